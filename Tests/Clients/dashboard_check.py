"""Drives Trimtab's dashboard in headless Chromium (Debian's chromium, through Playwright).

    python3 dashboard_check.py URL SCREENSHOT_DIR [CHROMIUM]

Loads the page, waits for the graph and the Pareto front, plans the example in the editor,
moves the latency slider and plans again, simulates the plan, and saves a screenshot of each
view. Prints one JSON object with what the page shows and what the API answers for the same
requests (the Swift test compares them).
"""
import json
import os
import sys
import urllib.request

from playwright.sync_api import sync_playwright


def api(url, path, body, query=""):
    request = urllib.request.Request(url + path + ("?" + query if query else ""), data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/yaml"})
    try:
        with urllib.request.urlopen(request) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:  # 422 infeasible still carries the plan JSON
        return json.load(error)


def main():
    url, shots = sys.argv[1].rstrip("/"), sys.argv[2]
    chromium = sys.argv[3] if len(sys.argv) > 3 else "/usr/bin/chromium"
    os.makedirs(shots, exist_ok=True)
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url + "/")
        page.wait_for_selector("#graph-svg")
        page.wait_for_selector("#front-svg")
        out["graph_nodes"] = page.eval_on_selector_all("#graph-svg g.node", "els => els.map(e => e.dataset.stage)")
        out["front_points"] = page.eval_on_selector_all("#front-svg circle.point", "els => els.length")
        workflow = page.input_value("#workflow")
        page.click("#plan")
        page.wait_for_selector("#plan-status")
        out["page_status"] = page.inner_text("#plan-status").split()[0]
        out["page_cost"] = page.inner_text("#plan-cost")
        out["page_latency"] = page.inner_text("#plan-latency")
        out["page_accuracy"] = page.inner_text("#plan-accuracy")
        out["chosen_marked"] = page.locator("#chosen").count() == 1
        out["api_plan"] = api(url, "/v1/plan", workflow, "explain=true")
        page.locator("#graph").screenshot(path=os.path.join(shots, "dashboard-graph.png"))
        page.locator("#result").screenshot(path=os.path.join(shots, "dashboard-plan.png"))
        page.locator("#front").screenshot(path=os.path.join(shots, "dashboard-pareto.png"))
        page.locator("#breakdown").screenshot(path=os.path.join(shots, "dashboard-breakdown.png"))
        # Move the latency slider to its lowest value and plan again: the page must show the
        # API's answer for that bound.
        bound = page.evaluate("""() => { const el = document.getElementById('max_latency_ms');
            el.value = el.min; el.dispatchEvent(new Event('input')); return +el.value; }""")
        page.click("#plan")
        page.wait_for_function("b => document.getElementById('plan-status') && document.querySelector('#result').innerText.includes('latency ≤')", arg=bound)
        out["slider_bound"] = bound
        out["slider_page_status"] = page.inner_text("#plan-status").split()[0]
        out["slider_api_plan"] = api(url, "/v1/plan", workflow, "explain=true&max_latency_ms=%r" % bound)
        out["slider_page_cost"] = page.inner_text("#plan-cost") if page.locator("#plan-cost").count() else None
        # Back to the file's goal, then simulate the plan.
        page.uncheck("#use_max_latency_ms")
        out["unticked_shows_file"] = page.inner_text("#out_max_latency_ms") == "file"
        page.click("#plan")
        page.wait_for_selector("#plan-cost")
        page.click("#simulate")
        page.wait_for_selector("#sim-cdf")
        page.wait_for_selector("#sim-timeline")
        out["simulation_paths"] = page.eval_on_selector_all("#sim-cdf path, #sim-timeline path", "els => els.length")
        page.locator("#simulation").screenshot(path=os.path.join(shots, "dashboard-simulation.png"))
        page.screenshot(path=os.path.join(shots, "dashboard.png"), full_page=True)
        out["external_requests"] = [r for r in requests if not r.startswith(url)]
        out["page_errors"] = errors
        browser.close()
    print(json.dumps(out))


main()
