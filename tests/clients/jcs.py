"""RFC 8785 JSON Canonicalization Scheme (JCS) in plain Python, written apart from Tweeling's C++
so tests (and anyone checking a signature by hand) can rebuild the signed bytes independently.

    from jcs import canonicalize      # bytes
"""
import json
import math


def _number(value):
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int):
        value = float(value) if abs(value) >= 2 ** 53 else value
        if isinstance(value, int):
            return str(value)
    if not math.isfinite(value):
        raise ValueError("JCS has no NaN or Infinity")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest round-trip digits; ECMAScript's Number::toString lays them out.
    mantissa, _, exponent = repr(abs(value)).partition("e")
    digits = mantissa.replace(".", "")
    point = mantissa.index(".") if "." in mantissa else len(mantissa)
    n = point + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if n - 1 >= 0 else "-") + str(abs(n - 1))
    return sign + text


def _serialize(value, out):
    if value is None or isinstance(value, bool):
        out.append(json.dumps(value))
    elif isinstance(value, (int, float)):
        out.append(_number(value))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, element in enumerate(value):
            if index:
                out.append(",")
            _serialize(element, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        # Sorted by UTF-16 code units (RFC 8785 3.2.3).
        for index, name in enumerate(sorted(value, key=lambda text: text.encode("utf-16-be"))):
            if index:
                out.append(",")
            out.append(json.dumps(name, ensure_ascii=False))
            out.append(":")
            _serialize(value[name], out)
        out.append("}")
    else:
        raise TypeError(f"not JSON: {type(value).__name__}")


def canonicalize(value):
    out = []
    _serialize(value, out)
    return "".join(out).encode("utf-8")


if __name__ == "__main__":
    # RFC 8785 section 3.2.2.3 / appendix B spot checks.
    assert _number(4.0) == "4" and _number(1e21) == "1e+21" and _number(1e-7) == "1e-7"
    assert _number(0.000001) == "0.000001" and _number(333333333.33333329) == "333333333.3333333"
    assert _number(-0.0) == "0" and _number(5e-324) == "5e-324" and _number(1e23) == "1e+23"
    assert canonicalize({"b": [4.50, None], "a": "\u20ac\n"}) == '{"a":"€\\n","b":[4.5,null]}'.encode()
    print("ok")
