"""Run one model file under the real SQLModel and SQLAlchemy and print what happened as JSON.

Used by test_runtime.py, always in a fresh subprocess (SQLModel has one class registry per
process). Phases, in order: `import` (class definitions run), `configure`
(`configure_mappers()`), `create` (`create_all` on SQLite with foreign keys enforced), `scenario`
(the file's optional `scenario(engine)` function, which demonstrates a flush-time or silent effect
with plain `assert` statements), then `done`.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
import warnings
from typing import Any, Dict, List


def run(path: str) -> Dict[str, Any]:
    state = {"phase": "import"}
    seen: List[Dict[str, str]] = []

    def record(message: Any, category: Any, filename: str, lineno: int, file: Any = None,
               line: Any = None) -> None:
        seen.append({"phase": state["phase"], "category": category.__name__, "message": str(message)})

    warnings.simplefilter("always")
    warnings.showwarning = record
    out: Dict[str, Any] = {"ok": False, "error_type": None, "error": None}
    try:
        spec = importlib.util.spec_from_file_location("fixture_under_test", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["fixture_under_test"] = module
        spec.loader.exec_module(module)
        state["phase"] = "configure"
        from sqlalchemy.orm import configure_mappers

        configure_mappers()
        state["phase"] = "create"
        from sqlalchemy import create_engine, event
        from sqlmodel import SQLModel

        engine = create_engine("sqlite://")

        @event.listens_for(engine, "connect")
        def _enforce_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        SQLModel.metadata.create_all(engine)
        scenario = getattr(module, "scenario", None)
        if scenario is not None:
            state["phase"] = "scenario"
            scenario(engine)
        state["phase"] = "done"
        out["ok"] = True
    except BaseException as exc:  # noqa: BLE001 - report whatever the model code raised
        out["error_type"] = type(exc).__name__
        out["error"] = str(exc)[:500]
        out["traceback"] = traceback.format_exc()[-1500:]
    out["phase"] = state["phase"]
    out["warnings"] = seen
    return out


MARK = "@@runtime-check@@"


def serve(paths: List[str], timeout: int = 60) -> None:
    """Run each file in a forked child of this process, which has already imported SQLModel.

    Forking keeps every file's class registry separate while paying the import cost once.
    """
    import os
    import signal

    import sqlalchemy.orm  # noqa: F401 - imported once, before forking
    import sqlmodel  # noqa: F401

    for path in paths:
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            signal.alarm(timeout)
            try:
                result = run(path)
            except BaseException as exc:  # noqa: BLE001
                result = {"ok": False, "phase": "crash", "error": repr(exc)}
            result["path"] = path
            sys.stdout.write(MARK + json.dumps(result) + "\n")
            sys.stdout.flush()
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            sys.stdout.write(MARK + json.dumps({"path": path, "ok": False, "phase": "crash",
                                                 "error": f"child exited with status {status}"}) + "\n")


if __name__ == "__main__":
    sys.setrecursionlimit(3000)
    if hasattr(__import__("os"), "fork"):
        serve(sys.argv[1:])
    else:  # pragma: no cover - no fork: one file per process
        print(MARK + json.dumps({**run(sys.argv[1]), "path": sys.argv[1]}))
