"""A parameter or field that holds one of our models is typed with the model class, never `Any`,
so mypy (with django-stubs, `make typecheck`) checks what is read from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2] / "taperwell"
# The last word of a model's name that names something else in our code.
NOT_A_MODEL = {
    "request": "an HttpRequest (PauseRequest is the model)",
    "record": "the dose of record (MonitoringRecord is the model)",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _model_names() -> set[str]:
    """What a variable holding one of our models, or a list of them, is called: `patient`,
    `patients`, `taper_plan`, `plan`, `plans`, `flag`, `flags`..."""
    names = set()
    for model in apps.get_models():
        if not model.__module__.startswith("taperwell."):
            continue
        words = _snake(model.__name__)
        for name in {words, words.split("_")[-1]} - NOT_A_MODEL.keys():
            names.update({name, f"{name}s"})
    return names


def _is_any(annotation: ast.expr | None) -> bool:
    """`Any`, `Any | None`, `list[Any]`, `Iterable[Any]`, `Sequence[Any]`."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    if isinstance(annotation, ast.Name):
        return annotation.id == "Any"
    if isinstance(annotation, ast.BinOp):
        return _is_any(annotation.left) or _is_any(annotation.right)
    if (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, ast.Name)
        and annotation.value.id in {"list", "Iterable", "Sequence"}
    ):
        return _is_any(annotation.slice)
    return False


def _loose(tree: ast.AST, names: set[str]) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                if arg.arg in names and _is_any(arg.annotation):
                    found.append((arg.arg, arg.lineno))
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id in names
            and _is_any(node.annotation)
        ):
            found.append((node.target.id, node.lineno))
    return found


def test_model_names_are_read_from_the_models():
    names = _model_names()
    assert {"patient", "patients", "taper_plan", "plan", "plans", "flag", "clinic"} <= names


def test_no_parameter_or_field_holding_a_model_is_typed_any():
    names = _model_names()
    loose = []
    for path in sorted(ROOT.rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        if where.startswith("clinical/") or "/migrations/" in where:
            continue
        for name, line in _loose(ast.parse(path.read_text(), filename=where), names):
            loose.append(f"{where}:{line} {name}")
    assert loose == []


def test_the_check_finds_a_model_parameter_typed_any():
    source = (
        "def f(patient: Any, plans: list[Any], value: Any) -> None: ...\n"
        "x: 'Any | None' = None\n"
        "clinic: Any = None\n"
    )
    found = _loose(ast.parse(source), _model_names())
    assert found == [("patient", 1), ("plans", 1), ("clinic", 3)]
