"""Whether one trace of a Jaeger query API answer (GET /api/traces, JSON on stdin) has spans of every service named
on the command line: exit 0 and print the trace id if so, 1 otherwise. The e2e workflow's order-trace step."""
import json
import sys


def services_of(trace):
    processes = trace.get("processes", {})
    return {processes.get(span.get("processID"), {}).get("serviceName") for span in trace.get("spans", [])}


def main():
    wanted = set(sys.argv[1:])
    if not wanted:
        sys.exit("usage: trace-check.py SERVICE... < jaeger-answer.json")
    try:
        answer = json.load(sys.stdin)
    except ValueError:
        return 1
    for trace in answer.get("data") or []:
        if wanted <= services_of(trace):
            print(trace.get("traceID"))
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
