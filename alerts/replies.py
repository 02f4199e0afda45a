"""Reply drafts for the comms queue, from templates an admin may edit.

The templates are jinja2, rendered in a SandboxedEnvironment (an edited template cannot reach
Python internals), with StrictUndefined so a misspelt variable is an error, not a blank. A
template in `complaints.reply_templates` overrides the bundled one of the same name.

Variables: `school`, `contact`, `procedure_url` (or None), `names_staff` (the post names a
member of staff), `staff` (their canonical names), `due` (local due time, text), `link`.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment

from config.schema import Config
from store.models import Item

DEFAULT_TEMPLATE = "reply.txt.j2"


class DraftError(Exception):
    """A reply template could not be rendered; the message names the template and line."""


def _environment(cfg: Config) -> SandboxedEnvironment:
    loaders: list[BaseLoader] = []
    folder = cfg.complaints.reply_templates
    if folder is not None:
        path = folder if folder.is_absolute() else cfg.base_dir / folder
        loaders.append(FileSystemLoader(str(path)))
    loaders.append(PackageLoader("alerts", "templates/replies"))
    return SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=False,  # a plain-text draft for a person to paste, never HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def draft_reply(cfg: Config, school: str, item: Item, template: str = DEFAULT_TEMPLATE) -> str:
    staff = sorted({m.name for m in item.mentions if m.school == school and m.kind == "staff"})
    context = {
        "school": school,
        "contact": cfg.complaints.contact,
        "procedure_url": cfg.complaints.procedure_url,
        "names_staff": bool(staff),
        "staff": staff,
        "link": item.url,
    }
    try:
        return _environment(cfg).get_template(template).render(context).strip() + "\n"
    except TemplateSyntaxError as e:
        where = f"{e.filename or e.name or template}:{e.lineno}"
        raise DraftError(f"{where}: reply template syntax error: {e.message}") from None
    except TemplateError as e:
        raise DraftError(f"{template}: reply template error: {e}") from None


def template_names(cfg: Config) -> list[str]:
    names = set(_environment(cfg).list_templates(extensions=["j2"]))
    return sorted(n for n in names if Path(n).name.endswith(".txt.j2"))
