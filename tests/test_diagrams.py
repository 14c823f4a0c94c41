"""The cell diagrams (unrolled.plot.diagrams): each builds a figure that names, in the
book's notation, every vector and operation its equations have."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from unrolled.plot import diagrams, style  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def joined(fig):
    return " ".join(texts(fig))


LSTM = [r"$x_t$", r"$h_{t-1}$", r"$c_{t-1}$", r"$c_t$", r"$f_t$", r"$i_t$", r"$g_t$",
        r"$o_t$", r"$\sigma$", "tanh", r"$\odot$", "+"]

EXPECTED = {
    "lstm_cell": LSTM + [r"$h_t$"],
    "peephole_cell": LSTM + [r"$h_t$", r"$p_i$", r"$p_f$", r"$p_o$"],
    "projection_cell": LSTM + [r"$W_{\mathrm{proj}}$", r"size $H$", r"size $P$",
                               r"$h_t \in \mathbb{R}^P$"],
    "gru_cell": [r"$x_t$", r"$h_{t-1}$", r"$h_t$", r"$r_t$", r"$z_t$", r"$n_t$",
                 r"$\sigma$", "tanh", r"$\odot$", "+", r"$1{-}$"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cell_diagram_has_the_symbols_of_its_equations(name):
    fig = getattr(diagrams, name)()
    try:
        have = texts(fig)
        missing = [label for label in EXPECTED[name] if label not in have]
        assert not missing, f"{name}: labels missing: {missing}"
    finally:
        plt.close(fig)


def test_only_the_peephole_cell_has_peepholes_and_only_projection_has_w_proj():
    figs = {name: getattr(diagrams, name)() for name in EXPECTED}
    try:
        for name, fig in figs.items():
            labels = texts(fig)
            assert (r"$p_f$" in labels) == (name == "peephole_cell"), name
            assert (r"$W_{\mathrm{proj}}$" in labels) == (name == "projection_cell"), name
    finally:
        for fig in figs.values():
            plt.close(fig)


@pytest.mark.parametrize("layers,steps", [(3, 4), (2, 5)])
def test_stack_labels_every_layer_and_step(layers, steps):
    fig = diagrams.stack(layers=layers, steps=steps)
    try:
        have = texts(fig)
        for t in range(1, steps + 1):
            assert rf"$x_{t}$" in have and rf"$y_{t}$" in have
            for l in range(1, layers + 1):
                assert rf"$h_{t}^{{({l})}}$" in have, (t, l)
        assert rf"$h_{1}^{{({layers + 1})}}$" not in have
        assert f"layer $l = {layers}$" in have
    finally:
        plt.close(fig)


def test_bidirectional_has_two_chains_and_a_merge_per_step():
    steps = 4
    fig = diagrams.bidirectional(steps=steps)
    try:
        have = texts(fig)
        for t in range(1, steps + 1):
            assert rf"$\overrightarrow{{h}}_{t}$" in have
            assert rf"$\overleftarrow{{h}}_{t}$" in have
            assert rf"$[\overrightarrow{{h}}_{t};\overleftarrow{{h}}_{t}]$" in have
        assert r"$\overrightarrow{h}_0$" in have
        assert rf"$\overleftarrow{{h}}_{{{steps + 1}}}$" in have
    finally:
        plt.close(fig)


def _edge_colors(fig):
    from matplotlib.colors import to_hex
    found = set()
    for ax in fig.axes:
        for line in ax.lines:
            found.add(to_hex(line.get_color()))
        for patch in ax.patches:
            found.add(to_hex(patch.get_edgecolor()))
    return found


@pytest.mark.parametrize("name,kind", [("lstm_cell", "lstm"), ("gru_cell", "gru"),
                                       ("peephole_cell", "peephole"),
                                       ("projection_cell", "projection"),
                                       ("bidirectional", "bilstm")])
def test_diagrams_use_the_colour_of_their_model_kind(name, kind):
    fig = getattr(diagrams, name)()
    try:
        assert style.color(kind).lower() in _edge_colors(fig)
    finally:
        plt.close(fig)


def test_style_apply_sets_legible_fonts_and_can_be_undone():
    import matplotlib as mpl
    before = mpl.rcParams["xtick.labelsize"], mpl.rcParams["axes.spines.top"]
    old = style.apply()
    try:
        assert mpl.rcParams["font.size"] >= 11
        assert mpl.rcParams["xtick.labelsize"] >= 11 and mpl.rcParams["legend.fontsize"] >= 11
        assert mpl.rcParams["axes.spines.top"] is False
        first = mpl.rcParams["axes.prop_cycle"].by_key()["color"][:3]
        assert first == [style.color("rnn"), style.color("lstm"), style.color("gru")]
    finally:
        mpl.rcParams.update(old)
    assert (mpl.rcParams["xtick.labelsize"], mpl.rcParams["axes.spines.top"]) == before
