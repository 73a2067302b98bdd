"""mkdocs hook: the generated parts of the pages (gas tables from gas-snapshot.json; see medchain_dev.docs)."""

from medchain_dev.docs import render_markers


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 - mkdocs' hook signature
    return render_markers(markdown)
