"""``aisec inventory add KIND`` and ``aisec inventory edit KIND NAME-OR-ID``: one command
per kind, so that each kind's fields are typed options with their own help.

``add`` needs the kind's key (``--name``, an endpoint's ``--url``); ``edit`` changes only
the options given, and an empty value (``--owner ""``) clears a field.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from aisec.cli.inventory_options import (
    Auth,
    Contact,
    Context,
    DataSource,
    Digest,
    EndpointName,
    FileFormat,
    Framework,
    Geography,
    Licence,
    ModelSource,
    Name,
    Owner,
    Personal,
    Purpose,
    Ref,
    Role,
    Sensitivity,
    Stage,
    Unit,
    Url,
    Version,
    Website,
    values_of,
)
from aisec.cli.store_access import DatabaseOption

add_app = typer.Typer(help="Add an asset to the inventory.", no_args_is_help=True)
edit_app = typer.Typer(
    help="Change an asset's fields (an empty value clears one).", no_args_is_help=True
)


# Asset kinds are named, not imported: the store's record types load only when a command
# runs, not every time any aisec command starts.
def _add(kind_name: str, database: str | None, values: dict[str, Any]) -> None:
    from aisec.cli.store_access import opened
    from aisec.services import inventory

    kind = inventory.parse_kind(kind_name)
    with opened(database) as store:
        assert store is not None  # opened() creates the store unless told not to
        asset = inventory.add(store.inventory, kind, values)
    typer.echo(f"added {kind.kind} {inventory.label(asset)} ({asset.id})")


def _edit(kind_name: str, ref: str, database: str | None, changes: dict[str, Any]) -> None:
    from aisec.cli.store_access import opened
    from aisec.services import inventory

    kind = inventory.parse_kind(kind_name)
    with opened(database) as store:
        assert store is not None
        asset = inventory.edit(store.inventory, kind, ref, changes)
    typer.echo(f"updated {kind.kind} {inventory.label(asset)} ({asset.id})")


@add_app.command("system")
def add_system(
    name: Name = None,
    intended_purpose: Purpose = None,
    owner: Owner = None,
    business_unit: Unit = None,
    lifecycle_stage: Stage = None,
    deployment_context: Context = None,
    eu_ai_act_role: Role = None,
    geography: Geography = None,
    database: DatabaseOption = None,
) -> None:
    """Add an AI system: what the organisation runs and is accountable for."""
    values = _system(
        name, intended_purpose, owner, business_unit, lifecycle_stage, deployment_context
    )
    _add(
        "system",
        database,
        {**values, **values_of(eu_ai_act_role=eu_ai_act_role, geography=geography)},
    )


@edit_app.command("system")
def edit_system(
    ref: Ref,
    name: Name = None,
    intended_purpose: Purpose = None,
    owner: Owner = None,
    business_unit: Unit = None,
    lifecycle_stage: Stage = None,
    deployment_context: Context = None,
    eu_ai_act_role: Role = None,
    geography: Geography = None,
    database: DatabaseOption = None,
) -> None:
    """Change an AI system's fields."""
    values = _system(
        name, intended_purpose, owner, business_unit, lifecycle_stage, deployment_context
    )
    _edit(
        "system",
        ref,
        database,
        {**values, **values_of(eu_ai_act_role=eu_ai_act_role, geography=geography)},
    )


def _system(*fields: Any) -> dict[str, Any]:
    names = (
        "name",
        "intended_purpose",
        "owner",
        "business_unit",
        "lifecycle_stage",
        "deployment_context",
    )
    return values_of(**dict(zip(names, fields, strict=True)))


@add_app.command("model")
def add_model(
    name: Name = None,
    version: Version = None,
    framework: Framework = None,
    file_format: FileFormat = None,
    licence: Licence = None,
    source: ModelSource = None,
    digest: Digest = None,
    database: DatabaseOption = None,
) -> None:
    """Add a model (name and version are its key)."""
    values = _model(name, version, framework, file_format, licence, source, digest)
    _add("model", database, values)


@edit_app.command("model")
def edit_model(
    ref: Annotated[str, typer.Argument(metavar="NAME-OR-ID", help="NAME, NAME@VERSION or id.")],
    name: Name = None,
    version: Version = None,
    framework: Framework = None,
    file_format: FileFormat = None,
    licence: Licence = None,
    source: ModelSource = None,
    digest: Digest = None,
    database: DatabaseOption = None,
) -> None:
    """Change a model's fields (--digest replaces the stored digests)."""
    values = _model(name, version, framework, file_format, licence, source, digest)
    _edit("model", ref, database, values)


def _model(*fields: Any) -> dict[str, Any]:
    names = ("name", "version", "framework", "format", "licence", "source_uri", "digests")
    return values_of(**dict(zip(names, fields, strict=True)))


@add_app.command("dataset")
def add_dataset(
    name: Name = None,
    source: DataSource = None,
    licence: Licence = None,
    sensitivity: Sensitivity = None,
    personal_data: Personal = None,
    digest: Digest = None,
    database: DatabaseOption = None,
) -> None:
    """Add a dataset."""
    values = _dataset(name, source, licence, sensitivity, personal_data, digest)
    _add("dataset", database, values)


@edit_app.command("dataset")
def edit_dataset(
    ref: Ref,
    name: Name = None,
    source: DataSource = None,
    licence: Licence = None,
    sensitivity: Sensitivity = None,
    personal_data: Personal = None,
    digest: Digest = None,
    database: DatabaseOption = None,
) -> None:
    """Change a dataset's fields (--digest replaces the stored digests)."""
    values = _dataset(name, source, licence, sensitivity, personal_data, digest)
    _edit("dataset", ref, database, values)


def _dataset(*fields: Any) -> dict[str, Any]:
    names = ("name", "source", "licence", "sensitivity", "contains_personal_data", "digests")
    return values_of(**dict(zip(names, fields, strict=True)))


@add_app.command("endpoint")
def add_endpoint(
    url: Url = None,
    name: EndpointName = None,
    authentication: Auth = None,
    database: DatabaseOption = None,
) -> None:
    """Add an endpoint a model is served at (its URL is its key)."""
    _add("endpoint", database, values_of(url=url, name=name, authentication=authentication))


@edit_app.command("endpoint")
def edit_endpoint(
    ref: Annotated[str, typer.Argument(metavar="URL-NAME-OR-ID", help="URL, name or id.")],
    url: Url = None,
    name: EndpointName = None,
    authentication: Auth = None,
    database: DatabaseOption = None,
) -> None:
    """Change an endpoint's fields."""
    values = values_of(url=url, name=name, authentication=authentication)
    _edit("endpoint", ref, database, values)


@add_app.command("vendor")
def add_vendor(
    name: Name = None,
    website: Website = None,
    contact: Contact = None,
    database: DatabaseOption = None,
) -> None:
    """Add a vendor models come from."""
    _add("vendor", database, values_of(name=name, website=website, contact=contact))


@edit_app.command("vendor")
def edit_vendor(
    ref: Ref,
    name: Name = None,
    website: Website = None,
    contact: Contact = None,
    database: DatabaseOption = None,
) -> None:
    """Change a vendor's fields."""
    _edit("vendor", ref, database, values_of(name=name, website=website, contact=contact))
