"""Re-plan as a MILP (IPA's formulation, solved by CBC through PuLP) against Trimtab's exact planner.

Usage:
    pip install pulp
    swift run -c release trimtab-bench replan-export /tmp/replan.json
    python3 bench/replan_milp.py /tmp/replan.json

Each instance: 5 stages, every (variant, batch, replicas) setting with the capacity for the load,
its predicted stage latency and penalty (beta*cost + gamma*batch), and its accuracy term (mean rule,
so the objective alpha * sum(term) / divisor - sum(penalty) is linear). One binary per setting,
one setting per stage, summed latency <= SLO. Prints objective agreement and times.
"""
import json
import statistics
import sys
import time

import pulp


def solve(instance):
    problem = pulp.LpProblem("replan", pulp.LpMaximize)
    x = []
    for k, options in enumerate(instance["stages"]):
        x.append([pulp.LpVariable(f"x_{k}_{i}", cat="Binary") for i in range(len(options))])
        problem += pulp.lpSum(x[k]) == 1
    problem += pulp.lpSum(o[0] * v for options, xs in zip(instance["stages"], x) for o, v in zip(options, xs)) <= instance["slo"]
    alpha, divisor = instance["alpha"], instance["divisor"]
    problem += pulp.lpSum((alpha * o[2] / divisor - o[1]) * v
                          for options, xs in zip(instance["stages"], x) for o, v in zip(options, xs))
    t0 = time.perf_counter()
    status = problem.solve(pulp.PULP_CBC_CMD(msg=False))
    elapsed = (time.perf_counter() - t0) * 1000
    if pulp.LpStatus[status] != "Optimal":
        return None, elapsed
    return pulp.value(problem.objective), elapsed


def main(path):
    instances = json.load(open(path))
    agree, milp_ms, exact_ms, variables = 0, [], [], []
    for inst in instances:
        value, ms = solve(inst)
        milp_ms.append(ms)
        exact_ms.append(inst["exact_ms"])
        variables.append(sum(len(s) for s in inst["stages"]))
        e = inst["exact_objective"]
        if (value is None and e is None) or (value is not None and e is not None and abs(value - e) <= 1e-6 * max(1, abs(e))):
            agree += 1
        else:
            print(f"seed {inst['seed']} load {inst['load']}: MILP {value} exact {e}")
    print(f"instances {len(instances)}, same optimum {agree}/{len(instances)}, binaries per instance "
          f"{min(variables)}-{max(variables)}")
    print(f"CBC (PuLP {pulp.__version__}) ms: median {statistics.median(milp_ms):.1f}, max {max(milp_ms):.1f}")
    print(f"Trimtab exact ms: median {statistics.median(exact_ms):.2f}, max {max(exact_ms):.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
