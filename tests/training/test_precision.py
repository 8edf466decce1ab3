"""bfloat16 only where the CPU has it, and Muon's step in float32 elsewhere."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

import torch

from keyboard_app.training.precision import (
    Float32Muon,
    bfloat16_is_fast,
    orthogonalize,
)

COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # PyTorch's Muon defaults


def _newton_schulz_float64(matrix: torch.Tensor, steps: int = 5) -> torch.Tensor:
    """The reference: Muon's iteration in float64."""
    a, b, c = COEFFICIENTS
    tall = matrix.size(0) > matrix.size(1)
    x: torch.Tensor = (matrix.T if tall else matrix).double()
    x = x / x.norm()
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


@pytest.mark.parametrize("shape", [(48, 16), (16, 48), (32, 32)])
def test_orthogonalize_is_muons_iteration_in_float32(shape: tuple[int, int]) -> None:
    matrix = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    before = matrix.clone()
    result = orthogonalize(matrix, COEFFICIENTS, 5, 1e-7)
    assert result.dtype == torch.float32 and result.shape == shape
    assert torch.allclose(result.double(), _newton_schulz_float64(matrix), atol=1e-5)
    assert torch.equal(matrix, before)  # the momentum buffer it is given is left as it is
    singular = torch.linalg.svdvals(result)
    assert singular.min() > 0.5 and singular.max() < 1.5  # near-orthogonal, as Muon intends


def _three_steps(
    optimizer_class: type[torch.optim.Muon], start: torch.Tensor, nesterov: bool
) -> tuple[torch.nn.Parameter, torch.optim.Muon]:
    """A matrix after three Muon steps on seeded gradients, and the optimizer that took them."""
    param = torch.nn.Parameter(start.clone())
    optimizer = optimizer_class(
        [param], lr=0.02, weight_decay=0.1, nesterov=nesterov, adjust_lr_fn="match_rms_adamw"
    )
    generator = torch.Generator().manual_seed(1)
    for _ in range(3):
        param.grad = torch.randn(start.shape, generator=generator)
        optimizer.step()  # type: ignore[no-untyped-call]
    return param, optimizer


@pytest.mark.parametrize("nesterov", [True, False])
def test_float32_muon_takes_pytorchs_steps(nesterov: bool) -> None:
    start = torch.randn(24, 40, generator=torch.Generator().manual_seed(2))
    ours, ours_optimizer = _three_steps(Float32Muon, start, nesterov)
    theirs, theirs_optimizer = _three_steps(torch.optim.Muon, start, nesterov)
    moved = (theirs - start).abs().max()
    assert moved > 0.01
    # The same steps but for PyTorch's bfloat16 rounding (about 1% of each step).
    assert (ours - theirs).abs().max() < 0.03 * moved
    ours_state = ours_optimizer.state_dict()["state"][0]
    theirs_state = theirs_optimizer.state_dict()["state"][0]
    assert ours_state.keys() == theirs_state.keys() == {"momentum_buffer"}
    assert torch.allclose(ours_state["momentum_buffer"], theirs_state["momentum_buffer"])


def test_a_checkpoint_of_one_muon_resumes_in_the_other() -> None:
    start = torch.randn(8, 8, generator=torch.Generator().manual_seed(3))
    _, theirs = _three_steps(torch.optim.Muon, start, True)
    param = torch.nn.Parameter(start.clone())
    ours = Float32Muon([param], lr=0.02)
    ours.load_state_dict(theirs.state_dict())
    assert ours.param_groups[0]["adjust_lr_fn"] == "match_rms_adamw"
    assert torch.equal(
        ours.state[param]["momentum_buffer"],
        theirs.state_dict()["state"][0]["momentum_buffer"],
    )


def test_bfloat16_is_used_where_the_cpu_has_bfloat16_products() -> None:
    """The measured answer agrees with what an x86 CPU declares, where that is clear-cut: bfloat16
    products (AVX-512 BF16 or AMX, about 1.6x float32's speed), or AVX2 alone (emulated, 100x
    slower). AVX-512 without BF16 converts to float32 at about float32's speed: either answer is fair."""
    if torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported():
        assert bfloat16_is_fast()
    elif torch.backends.cpu.get_cpu_capability() == "AVX2":
        assert not bfloat16_is_fast()
    else:
        pytest.skip(f"no clear-cut answer on {torch.backends.cpu.get_cpu_capability()}")
