"""``aisec inventory``: the AI systems, models, datasets, endpoints and vendors an
organisation runs, and how they relate. The work is done by :mod:`aisec.services.inventory`.

KIND is ``system``, ``model``, ``dataset``, ``endpoint`` or ``vendor`` (or the plural).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from aisec.cli.inventory_edit_cmd import add_app, edit_app
from aisec.cli.store_access import DatabaseOption, opened
from aisec.cli.tables import OutputFormat, print_fields, print_json, print_table

if TYPE_CHECKING:
    from aisec.store.records import Asset

app = typer.Typer(
    help="The inventory of AI assets: systems, models, datasets, endpoints, vendors.",
    no_args_is_help=True,
)
app.add_typer(add_app, name="add")
app.add_typer(edit_app, name="edit")

Kind = Annotated[
    str,
    typer.Argument(metavar="KIND", help="systems, models, datasets, endpoints or vendors."),
]
Ref = Annotated[str, typer.Argument(metavar="NAME-OR-ID", help="The asset's name or id.")]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]

_RELATION_IDS = ("model_ids", "dataset_ids", "endpoint_ids", "vendor_id")
# The columns ``list`` shows for each kind (every field is in --format json).
COLUMNS: dict[str, tuple[str, ...]] = {
    "system": ("name", "owner", "lifecycle_stage", "eu_ai_act_role", "geography"),
    "model": ("name", "version", "framework", "format", "licence", "source_uri"),
    "dataset": ("name", "source", "sensitivity", "contains_personal_data", "licence"),
    "endpoint": ("url", "name", "authentication"),
    "vendor": ("name", "website", "contact"),
}


@app.command("list")
def list_assets(
    kind: Kind, fmt: Format = OutputFormat.console, database: DatabaseOption = None
) -> None:
    """List the assets of one kind."""
    from aisec.services import inventory

    asset_kind = inventory.parse_kind(kind)
    with opened(database, create=False) as store:
        assets: list[Asset] = store.inventory.list(asset_kind) if store is not None else []
    if fmt is OutputFormat.json:
        print_json([inventory.to_dict(a) for a in assets])
        return
    columns = COLUMNS[asset_kind.kind]
    rows = [[getattr(a, c) for c in columns] + [a.id] for a in assets]
    headers = [c.replace("_", " ") for c in columns]
    print_table(f"{len(assets)} {asset_kind.kind}s", [*headers, "id"], rows)


@app.command("show")
def show(
    kind: Kind, ref: Ref, fmt: Format = OutputFormat.console, database: DatabaseOption = None
) -> None:
    """Show an asset with its relations."""
    from aisec.services import inventory

    asset_kind = inventory.parse_kind(kind)
    with opened(database, create=False) as store:
        if store is None:
            raise _no_store(asset_kind.kind, ref)
        asset = inventory.resolve(store.inventory, asset_kind, ref)
        related = inventory.related(store.inventory, asset)
    if fmt is OutputFormat.json:
        relations = {h: [inventory.to_dict(a) for a in found] for h, found in related.items()}
        print_json({**inventory.to_dict(asset), "related": relations})
        return
    data = inventory.to_dict(asset)
    places = [f"{p['path']}:{p['line']}" if p["line"] else p["path"] for p in data["discovered_at"]]
    # Relations are shown by name below; their ids are in --format json.
    hidden = {"kind", "id", "discovered_at", "created_at", "updated_at", *_RELATION_IDS}
    shown: list[tuple[str, Any]] = [
        (name.replace("_", " "), v) for name, v in data.items() if name not in hidden
    ]
    shown += [(h, [inventory.label(a) for a in found]) for h, found in related.items()]
    shown += [("discovered at", places), ("id", asset.id)]
    shown += [("created", data["created_at"]), ("updated", data["updated_at"])]
    print_fields(f"{asset_kind.kind} {inventory.label(asset)}", shown)


@app.command("remove")
def remove(
    kind: Kind,
    ref: Ref,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Remove a system even with governance records (assessments, risks,"
            " approvals, evidence, incidents, requests, run links), which go with it; an"
            " audit entry lists them.",
        ),
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Remove an asset (its relations go with it; related assets stay). A system with
    governance records is refused without --force."""
    from aisec.services import inventory

    asset_kind = inventory.parse_kind(kind)
    with opened(database, create=False) as store:
        if store is None:
            raise _no_store(asset_kind.kind, ref)
        asset = inventory.remove(store.inventory, asset_kind, ref, force=force, actor=_login())
    typer.echo(f"removed {asset.kind} {inventory.label(asset)} ({asset.id})")


def _login() -> str:
    """The ``system.removed`` audit entry's actor: whoever ran the command."""
    import getpass

    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no USER/LOGNAME and no passwd entry (a bare container)
        return "unknown"


SourceKind = Annotated[str, typer.Argument(metavar="KIND", help="system or model.")]
TargetKind = Annotated[
    str, typer.Argument(metavar="OTHER-KIND", help="model, dataset, endpoint or vendor.")
]
Other = Annotated[str, typer.Argument(metavar="OTHER", help="The other asset's name or id.")]


@app.command("link")
def link(
    kind: SourceKind,
    ref: Ref,
    other_kind: TargetKind,
    other: Other,
    database: DatabaseOption = None,
) -> None:
    """Relate two assets: a system uses a model, dataset or endpoint; a model was trained on
    a dataset; a model comes from a vendor.

    Example: aisec inventory link system credit-scoring model fraud-net
    """
    _relate(kind, ref, other_kind, other, database, add=True)


@app.command("unlink")
def unlink(
    kind: SourceKind,
    ref: Ref,
    other_kind: TargetKind,
    other: Other,
    database: DatabaseOption = None,
) -> None:
    """Remove a relation made with link."""
    _relate(kind, ref, other_kind, other, database, add=False)


def _relate(
    kind: str, ref: str, other_kind: str, other: str, database: str | None, *, add: bool
) -> None:
    from aisec.services import inventory

    source = (inventory.parse_kind(kind), ref)
    target = (inventory.parse_kind(other_kind), other)
    with opened(database, create=False) as store:
        if store is None:
            raise _no_store(source[0].kind, ref)
        first, second = inventory.link(store.inventory, source, target, add=add)
    verb = "linked" if add else "unlinked"
    typer.echo(
        f"{verb} {first.kind} {inventory.label(first)} and {second.kind} {inventory.label(second)}"
    )


def _no_store(kind: str, ref: str) -> Exception:
    from aisec.core.errors import RecordNotFound

    return RecordNotFound(
        f"no {kind} named {ref!r}: there is no store here yet",
        hint=f"add one with aisec inventory add {kind}, or give --database URL",
    )
