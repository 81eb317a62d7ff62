#!/usr/bin/env python3
"""Checks that deploy/install-deps.sh installs every tool the build and the tests run.

A fresh Debian 12 (minbase) has only the packages of priority "required"; install-deps.sh adds the
packages it lists and what they depend on (Depends and Pre-Depends: it installs with
--no-install-recommends). Each tool the build used (as CMake recorded it in CMakeCache.txt) and
each tool the tests run is traced to the Debian package that owns it, which must be in that set.
A tool merely recommended by a listed package (make, recommended by cmake) would be missing on a
fresh machine: this check names it.

    check_install_deps.py --cache BUILD/CMakeCache.txt --install-deps deploy/install-deps.sh
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

# What CMake runs to build (entries of CMakeCache.txt).
CACHE_TOOLS = ["CMAKE_COMMAND", "CMAKE_MAKE_PROGRAM", "CMAKE_CXX_COMPILER", "CMAKE_C_COMPILER", "CMAKE_AR",
               "CMAKE_RANLIB", "CMAKE_LINKER", "PKG_CONFIG_EXECUTABLE"]
# What tests/run.sh, deploy/quickstart.sh and the tests run besides the build: the Debian programs
# install-deps.sh is there to provide (tests/clients uses Debian's /usr/bin/python3 on purpose; the web
# UI's test drives Debian's /usr/bin/chromium; the load soak runs /usr/bin/wrk).
TEST_TOOLS = ["/usr/bin/python3", "/usr/bin/node", "/usr/bin/npm", "/usr/bin/ogrinfo", "/usr/bin/curl",
              "/usr/bin/chromium", "/usr/bin/wrk"]


def installed_packages():
    fields = "${Package}\t${Status}\t${Priority}\t${Essential}\t${Depends}\t${Pre-Depends}\t${Provides}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f=" + fields], check=True, capture_output=True, text=True).stdout
    packages, providers = {}, {}
    for line in out.splitlines():
        name, status, priority, essential, depends, predepends, provides = (line.split("\t") + [""] * 7)[:7]
        if "install ok installed" not in status:
            continue
        packages[name] = {"required": priority == "required" or essential == "yes",
                          "depends": ", ".join(d for d in (depends, predepends) if d)}
        for provided in filter(None, (p.strip() for p in provides.split(","))):
            providers.setdefault(re.split(r"[ (:]", provided)[0], []).append(name)
    return packages, providers


def closure(roots, packages, providers):
    """The listed packages and, recursively, what they depend on (alternatives: those installed)."""
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name not in packages:
            todo.extend(providers.get(name, []))
            continue
        for clause in filter(None, (c.strip() for c in packages[name]["depends"].split(","))):
            for alternative in clause.split("|"):
                dependency = re.split(r"[ (:]", alternative.strip())[0]
                if dependency in packages or dependency in providers:
                    todo.append(dependency)
    return seen


def owner(path):
    """The package that owns `path` (followed through symlinks), or None."""
    real = os.path.realpath(path)
    candidates = [real, path]
    for p in list(candidates):
        if p.startswith("/usr/"):  # merged /usr: dpkg may know the file under /bin, /lib
            candidates.append(p[4:])
    for p in candidates:
        result = subprocess.run(["dpkg-query", "-S", p], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].split(",")[0].strip()
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", required=True)
    parser.add_argument("--install-deps", required=True)
    args = parser.parse_args()

    listed = subprocess.run(["bash", args.install_deps, "--list", "--tests"], check=True, capture_output=True,
                            text=True).stdout.split()
    packages, providers = installed_packages()
    missing_listed = [p for p in listed if p not in packages and p not in providers]
    if missing_listed:
        print("listed but not installed (run install-deps.sh --tests first):", " ".join(missing_listed))
        return 1
    available = closure(listed, packages, providers) | {p for p, v in packages.items() if v["required"]}

    cache = {}
    with open(args.cache) as f:
        for line in f:
            match = re.match(r"^([A-Za-z_]+):[A-Z]+=(.*)$", line.rstrip("\n"))
            if match:
                cache[match.group(1)] = match.group(2)
    tools = [(name, cache[name]) for name in CACHE_TOOLS if cache.get(name)]
    tools += [(os.path.basename(path), path) for path in TEST_TOOLS]

    failures = 0
    for name, path in tools:
        if not os.path.exists(path):
            found = shutil.which(os.path.basename(path))
            print(f"FAIL {name}: {path} does not exist (on PATH: {found or 'none'})")
            failures += 1
            continue
        package = owner(path)
        if package is None:
            print(f"FAIL {name}: {path} belongs to no Debian package")
            failures += 1
        elif package not in available:
            print(f"FAIL {name}: {path} comes from package '{package}', which install-deps.sh neither lists nor "
                  "gets as a dependency of what it lists (a recommendation is not installed)")
            failures += 1
        else:
            print(f"ok   {name}: {path} ({package})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
