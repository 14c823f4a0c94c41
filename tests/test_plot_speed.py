"""Chapter 10's figures (unrolled.plot.speed): each draws what it is given, in the
course's colours, with labels that read at the page width."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from unrolled.claims import spread  # noqa: E402
from unrolled.plot import speed, style  # noqa: E402


@pytest.fixture(autouse=True)
def styled():
    old = style.apply()
    yield
    matplotlib.rcParams.update(old)
    plt.close("all")


def same_colour(a, b):
    return mcolors.to_hex(a, keep_alpha=False) == mcolors.to_hex(b, keep_alpha=False)


def test_ratios_bars_are_medians_with_min_max_whiskers_in_the_lstm_colour():
    rows = {"naive": {"forward": spread([2.0, 2.5, 3.0]),
                      "forward+backward": spread([1.2, 1.4, 1.9])},
            "xla": {"forward": spread([0.8, 0.9, 1.1])}}
    fig = speed.ratios(rows)
    ax = fig.axes[0]
    bars = ax.patches
    assert sorted(round(b.get_width(), 3) for b in bars) == [0.9, 1.4, 2.5]
    assert all(same_colour(b.get_facecolor(), style.color("lstm")) for b in bars)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["naive", "xla"]
    labels = {t.get_text() for t in ax.texts}
    assert {"2.50x", "1.40x", "0.90x"} <= labels
    assert ax.get_xlim()[1] >= 3.0  # the slowest round's whisker fits
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 10


def test_breakdown_stacks_the_parts_and_draws_the_built_in_in_grey():
    fig = speed.breakdown({"products": 200.0, "element-wise": 100.0},
                          {"FusedLSTM, whole": 320.0, "nn.LSTM, whole": 250.0})
    ax = fig.axes[0]
    stacked = [b for b in ax.patches if abs(b.get_y() + b.get_height() / 2) < 1e-9]
    assert [round(b.get_x()) for b in stacked] == [0, 200]
    grey = [b for b in ax.patches if same_colour(b.get_facecolor(), style.color("baseline"))]
    assert [round(b.get_width()) for b in grey] == [250]


def test_tricks_one_panel_per_trick_with_a_line_at_one():
    fig = speed.tricks([("stack", {"H = 16": spread([0.5, 0.6, 0.7]),
                                   "H = 512": spread([0.9, 1.0, 1.2])}),
                        ("loop", {"tiny": spread([8.0, 9.0, 10.0])})])
    assert [ax.get_title() for ax in fig.axes] == ["stack", "loop"]
    assert [round(b.get_height(), 2) for b in fig.axes[0].patches] == [0.6, 1.0]
    assert any(list(line.get_ydata()) == [1.0, 1.0] for line in fig.axes[1].lines)


def test_cost_vs_length_colours_frameworks_and_dashes_ours():
    rows = [{"framework": fw, "device": "cpu", "layer": "LSTM", "T": T,
             "builtin_ms": T * 1.0, "ours_ms": T * 2.0,
             "builtin_saved_mib": T * 0.5 if fw == "torch" else None,
             "ours_saved_mib": T * 0.3 if fw == "torch" else None}
            for fw in ("torch", "keras") for T in (10, 20, 40)]
    fig = speed.cost_vs_length(rows)
    ax_t, ax_m = fig.axes
    assert len(ax_t.lines) == 4 and len(ax_m.lines) == 2  # no memory for Keras
    for line in ax_t.lines:
        fw = line.get_label().split()[0]
        assert same_colour(line.get_color(), style.FRAMEWORK_COLORS[fw])
        assert line.get_linestyle() == ("--" if line.get_label().endswith("ours") else "-")
