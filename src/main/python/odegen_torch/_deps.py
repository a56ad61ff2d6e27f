"""One clear message when the Python lacks a package the PyTorch side needs."""
import importlib
import sys

INSTALL = ("bash .ci/install-python   (a cached venv; or: pip install -r src/main/python/requirements.txt)")


def require(*names):
    missing = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        sys.stderr.write("odegen_torch: error: this Python (%s) lacks the package%s %s; install: %s\n"
                         % (sys.executable, "s" if len(missing) > 1 else "", ", ".join(missing), INSTALL))
        sys.exit(1)


require("numpy", "torch", "safetensors", "sklearn", "PIL")
