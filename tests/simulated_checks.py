"""What the simulator scripts (cuda_*checks.py) share: run every ``check_*``
function and print one JSON line, {check name: null when it passed, else the
error}, for tests/test_cuda_simulator.py to read."""
import json
import traceback


def report(namespace):
    results = {}
    for name, check in namespace.items():
        if not name.startswith("check_") or not callable(check):
            continue
        try:
            check()
            results[name] = None
        except Exception:  # report every failure, not just the first
            results[name] = traceback.format_exc()[-3000:]
    print(json.dumps(results))
