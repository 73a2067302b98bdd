"""The audit index's own checks, with no node."""

from __future__ import annotations

import pytest

from medchain.audit.store import Store, StoreError


def test_an_index_of_the_previous_schema_is_refused_with_what_to_do(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with Store(url) as store:
        store.set_meta("schema", "1")
        store.conn.commit()
    with pytest.raises(StoreError, match="index schema 1, this tool writes 2: use a new database"):
        Store(url)
