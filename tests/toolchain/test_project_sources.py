"""ape sees every contract source of the project (it lists at most 500 files under contracts/)."""

from __future__ import annotations

from medchain_dev.toolchain import PROJECT_ROOT

APE_FILE_LIMIT = 500  # ape.managers.project.SourceManager._all_files caps the listing here


def test_every_solidity_source_is_in_the_project(project):
    on_disk = {str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "contracts").rglob("*.sol")}
    assert on_disk, "no contracts found on disk"
    assert on_disk <= {str(p.relative_to(PROJECT_ROOT)) for p in project.sources.paths}


def test_contracts_folder_stays_well_under_apes_listing_limit():
    count = sum(1 for p in (PROJECT_ROOT / "contracts").rglob("*") if p.is_file())
    assert count < APE_FILE_LIMIT // 2, f"{count} files under contracts/: nothing may unpack packages there"


def test_openzeppelin_is_imported_by_its_npm_name_and_compiled_in(project):
    """OpenZeppelin resolves under node_modules through the launcher; nothing is copied into contracts/."""
    assert not list((PROJECT_ROOT / "contracts" / ".cache").rglob("*.sol"))
    assert list(project.config.solidity.import_remapping) == []
    abi_errors = {e.name for e in project.ConsortiumRegistry.contract_type.errors}
    assert "AccessControlUnauthorizedAccount" in abi_errors  # from @openzeppelin/contracts/access
