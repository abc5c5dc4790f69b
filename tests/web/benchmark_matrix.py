"""Request makers and bodies of the benchmark rows (issue 16) of the permission matrix
(:mod:`tests.web.test_permissions_matrix`): benchmark values, grades and diagnoses of the
enterprise's shared product, and the 碳效码 (efficiency) reports and settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.web.matrix_call import Call

from tanji.db.models import ProductRow

if TYPE_CHECKING:
    from tests.web.test_permissions_matrix import RequestMaker, World


ENERGY = {"year": 2024, "industry": "C3841", "value_added": 1000.0,
          "energy": [{"carrier": "electricity", "amount": 100000, "unit": "kWh",
                      "factor": "cn-electricity:CN-ELEC-LOC-2022-CN-JS"}]}  # fmt: skip
OFFICIAL = {"category": "matrix-category", "declared_unit": "1 kg", "year": 2024,
            "kind": "limit", "value": 10.0, "document": "矩阵测试文件"}  # fmt: skip
POLICY = {"category": "matrix-category", "declared_unit": "1 kg"}
#: The published bounds again (a row must not change what other tests see).
METHOD = {"level_bounds": [0.6, 2.0], "grade_bounds": [0.6, 0.8, 1.2, 2.0],
          "source": "矩阵测试：浙江省规上工业企业碳效等级评价方法"}  # fmt: skip
VALUES = "/api/v1/benchmarks/values?category=lithium-battery&declared_unit=1%20kWh"
AVERAGE = {"industry": "M-TEST", "year": 2024, "value": 1.0, "source": "矩阵测试"}


def _energy_reported(world: World) -> None:
    """The enterprise's energy report (once), so its 碳效码 exists."""
    if "energy" not in world.shared:
        from tanji.services.benchmarks.efficiency import report_energy

        with world.app.unit_of_work() as uow:
            report_energy(uow.session, world.editor.actor, **ENERGY)  # type: ignore[arg-type]
        world.shared["energy"] = 1


def own_efficiency(world: World) -> Call:
    _energy_reported(world)
    return Call("/api/v1/efficiency")


def org_efficiency(world: World) -> Call:
    _energy_reported(world)
    return Call(f"/api/v1/efficiency/organisations/{world.enterprise.actor.org_id}")


def bench(suffix: str, body: Any = None) -> RequestMaker:
    """A benchmark call about the enterprise's shared product."""
    return lambda world: Call(f"/api/v1/benchmarks/products/{world.product()}{suffix}", body)


def keep(world: World) -> Call:
    lever = {"kind": "process-efficiency", "line": "main-material", "share": 0.1}
    product_id = world.fresh_product()
    with world.app.unit_of_work() as uow:
        row = uow.session.get(ProductRow, product_id)
        assert row is not None
        version = row.version
    url = f"/api/v1/benchmarks/products/{product_id}/diagnosis/keep"
    return Call(url, {"lever": lever, "version": version})
