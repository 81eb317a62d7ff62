#!/usr/bin/env python3
"""The NL API Design Rules (ADR) linter against the API definitions the programs SERVE.

Starts a node (twin-registry) and a hub (twin-federation) on free loopback ports, fetches each one's
/openapi.json (without credentials, as anyone would), and runs Spectral with the official ADR ruleset
(tests/adr/linter.yaml) on it. Every error must be listed in tests/adr/deviations.json ("pas toe of
leg uit": rule, path pattern, reason); an error that is not listed fails the test, and so does a
listed deviation that no document produces any more (the list must say what is true). Warnings are
printed and do not fail.

It also checks what the linter cannot see: the document is served with CORS to any origin and with
an API-Version header equal to its info.version, also under the versioned base path /v1, whose
document names /v1 as its server.

Usage: adr_lint.py --bin DIR [--keep]
Needs node and tests/adr/node_modules (tests/run.sh: npm ci in tests/adr).
"""
import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from live_server import Server  # noqa: E402  (tests/support/live_server.py)

SPECTRAL = os.path.join(HERE, "node_modules", "@stoplight", "spectral-cli", "dist", "index.js")
RULESET = os.path.join(HERE, "linter.yaml")
DEVIATIONS = os.path.join(HERE, "deviations.json")
SEVERITY = {0: "error", 1: "warning", 2: "info", 3: "hint"}
# What the test servers give as their operator's contact (--contact-*), as an operator would.
CONTACT = ["--contact-name", "Tweeling test operator", "--contact-url", "https://example.org/tweeling",
           "--contact-email", "tweeling@example.org"]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message, flush=True)
    return condition


def fetch(url):
    """GET without credentials: (status, lower-case headers, body)."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Origin": "https://elsewhere.example"}),
                                timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def served_document(label, url, workdir):
    """Fetches {url}/openapi.json and {url}/v1/openapi.json, checks what the linter cannot, and
    returns the path of the first, saved for Spectral."""
    status, headers, body = fetch(url + "/openapi.json")
    check(status == 200, f"{label}: /openapi.json answered {status}")
    check(headers.get("access-control-allow-origin") == "*",
          f"{label}: /openapi.json has Access-Control-Allow-Origin {headers.get('access-control-allow-origin')!r}")
    document = json.loads(body)
    version = document.get("info", {}).get("version")
    check(headers.get("api-version") == version,
          f"{label}: API-Version header {headers.get('api-version')!r} is not info.version {version!r}")
    _, api_headers, api_body = fetch(url + "/api")
    check(json.loads(api_body) == document, f"{label}: /api and /openapi.json differ")
    check(api_headers.get("api-version") == version, f"{label}: /api has API-Version {api_headers.get('api-version')!r}")
    _, v1_headers, v1_body = fetch(url + "/v1/openapi.json")
    check(v1_headers.get("api-version") == version, f"{label}: /v1/openapi.json has API-Version "
                                                    f"{v1_headers.get('api-version')!r}")
    servers = [server.get("url") for server in json.loads(v1_body).get("servers", [])]
    check(servers == [url + "/v1"], f"{label}: /v1/openapi.json lists servers {servers}, not [{url}/v1]")
    path = os.path.join(workdir, f"openapi-{label}.json")
    with open(path, "wb") as out:
        out.write(body)
    return path


def lint(path):
    result = subprocess.run(["node", SPECTRAL, "lint", "--ruleset", RULESET, "--format", "json", "--quiet",
                             "--fail-severity", "error", path], capture_output=True, text=True, timeout=300)
    try:
        return json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        raise RuntimeError(f"spectral did not answer JSON (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="directory holding twin-registry and twin-federation")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()
    if not os.path.exists(SPECTRAL):
        sys.exit(f"adr_lint: {SPECTRAL} missing: run `npm ci` in tests/adr (tests/run.sh does)")
    if not shutil.which("node"):
        sys.exit("adr_lint: node is not installed (deploy/install-deps.sh installs nodejs)")
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

    with open(DEVIATIONS, encoding="utf-8") as handle:
        deviations = json.load(handle)["deviations"]
    used = [0] * len(deviations)
    workdir = tempfile.mkdtemp(prefix="tweeling-adr-")
    servers = []
    try:
        node = Server([os.path.join(options.bin, "twin-registry"), "serve", "--db", os.path.join(workdir, "node.db"),
                       "--node-id", "gm0363", "--listen", "127.0.0.1:0", "--quiet", "--web-dir", ""] + CONTACT,
                      os.path.join(workdir, "node.log"))
        servers.append(node)
        hub = Server([os.path.join(options.bin, "twin-federation"), "serve", "--db", os.path.join(workdir, "hub.db"),
                      "--hub-id", "pv27", "--listen", "127.0.0.1:0", "--quiet", "--no-harvest", "--no-probes",
                      "--web-dir", ""] + CONTACT, os.path.join(workdir, "hub.log"))
        servers.append(hub)
        for label, url in (("node", node.url), ("hub", hub.url)):
            findings = lint(served_document(label, url, workdir))
            errors = [f for f in findings if f.get("severity") == 0]
            print(f"--- {label}: {len(errors)} error(s), {len(findings) - len(errors)} other finding(s)", flush=True)
            for finding in findings:
                where = ".".join(str(part) for part in finding.get("path", []))
                rule = finding.get("code")
                severity = SEVERITY.get(finding.get("severity"), "?")
                listed = [i for i, d in enumerate(deviations)
                          if d["rule"] == rule and fnmatch.fnmatchcase(where, d["path"])
                          and label in d.get("documents", ["node", "hub"])]
                for i in listed:
                    used[i] += 1
                mark = "deviation" if listed else severity
                print(f"  {mark:9} {rule} at {where}: {finding.get('message')}", flush=True)
                if severity == "error" and not listed:
                    check(False, f"{label}: {rule} at {where}: {finding.get('message')} (not in tests/adr/deviations.json)")
        for i, deviation in enumerate(deviations):
            check(used[i] > 0, f"deviation {deviation['rule']} at {deviation['path']} is listed but no served "
                               f"document has it any more: remove it from tests/adr/deviations.json and the README")
    except Exception as error:  # a server or Spectral that does not run is a failure, not a crash
        failures.append(f"setup: {error}")
        print(f"FAIL: setup: {error}", flush=True)
    finally:
        for server in servers:
            server.stop()
        if options.keep or failures:
            print(f"(kept {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    if failures:
        print(f"\nadr_lint: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("\nadr_lint: the node's and the hub's API definitions pass the NL API Design Rules linter "
          f"(with the {len(deviations)} documented deviations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
