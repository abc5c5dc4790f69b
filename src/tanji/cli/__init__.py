"""The ``tanji`` command line: thin Typer commands over the layers below."""
