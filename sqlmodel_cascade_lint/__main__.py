import os
import sys

# `python -m` puts the working folder first on sys.path. The scanned project is often the
# working folder, and a `click.py` or `json.py` there would then be imported, and run, in place
# of the real module. The linter never imports the code it checks, so drop that entry.
if sys.path and sys.path[0] in ("", os.getcwd()) and not getattr(sys.flags, "safe_path", False):
    del sys.path[0]

from sqlmodel_cascade_lint.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
