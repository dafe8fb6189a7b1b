"""Drives Trimtab's MCP server with the official Python MCP client (`mcp` on PyPI).

    python3 mcp_check.py stdio TRIMTAB_BINARY WORKFLOWS_DIR EXAMPLE_FILE
    python3 mcp_check.py http  URL               EXAMPLE_FILE

Lists the tools, calls `plan` on the example (YAML text) and `plan` with a bad workflow, and
prints one JSON object: {"tools": [...], "plan": <structured result>, "plan_text": <text>,
"bad": {"is_error": bool, "text": str}, "resources": [...]}. The Swift test compares the plan
with `trimtab plan --format json`.
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def attr(obj, *names):
    """The first attribute present: the client's 1.x names are camelCase, 2.x snake_case."""
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


def text_of(result):
    content = attr(result, "content") or []
    return content[0].text if content else ""


async def exercise(session, example_text):
    await session.initialize()
    tools = await session.list_tools()
    plan = await session.call_tool("plan", {"workflow": example_text, "max_latency_ms": 3000})
    bad_text = example_text.replace("probability: 0.1}", "probability: 1.4}")
    bad = await session.call_tool("plan", {"workflow": bad_text})
    unknown = await session.call_tool("plan", {"workflow": example_text, "max_latency": 3})
    try:
        resources = [str(r.uri) for r in (await session.list_resources()).resources]
    except Exception as error:  # a server without resources
        resources = ["error: %s" % error]
    return {
        "tools": sorted(t.name for t in tools.tools),
        "schemas": {t.name: attr(t, "inputSchema", "input_schema") for t in tools.tools},
        "plan_error": attr(plan, "isError", "is_error"),
        "plan": attr(plan, "structuredContent", "structured_content"),
        "plan_text": text_of(plan),
        "bad": {"is_error": attr(bad, "isError", "is_error"), "text": text_of(bad)},
        "unknown": {"is_error": attr(unknown, "isError", "is_error"), "text": text_of(unknown)},
        "resources": resources,
    }


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        binary, workflows, example = sys.argv[2], sys.argv[3], sys.argv[4]
        text = open(example, encoding="utf-8").read()
        params = StdioServerParameters(command=binary, args=["mcp", "--workflows", workflows])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                result = await exercise(session, text)
    else:
        from mcp.client import streamable_http
        # The client's 2.x name, else its 1.x name (which yields a third value).
        connect = getattr(streamable_http, "streamable_http_client", None) or getattr(streamable_http, "streamablehttp_client")
        url, example = sys.argv[2], sys.argv[3]
        text = open(example, encoding="utf-8").read()
        async with connect(url) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                result = await exercise(session, text)
    print(json.dumps(result))


asyncio.run(main())
