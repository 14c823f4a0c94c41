"""Show a PyTorch code cell and the Keras code cell after it as one pair of synced tabs.

In a chapter notebook, tag a code cell ``torch`` and the next code cell ``keras``.
Both cells execute in order during the build (and on Colab, where they are just two
cells); on the website they are folded into a sphinx-design ``tab-set`` with the sync
group ``framework``, so choosing "Keras" once switches every such pair on every page.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx_design.shared import create_component

TABS = (("torch", "PyTorch"), ("keras", "Keras"))


def _is_cell(node, tag):
    return isinstance(node, nodes.container) and f"tag_{tag}" in node.get("classes", [])


def _tab_item(cell, sync_id, label):
    item = create_component("tab-item", classes=["sd-tab-item"], selected=False)
    rubric = nodes.rubric(label, label, classes=["sd-tab-label"])
    rubric["sync_id"] = sync_id
    rubric["sync_group"] = "framework"
    content = create_component("tab-content", classes=["sd-tab-content"], children=[cell])
    item += rubric
    item += content
    return item


class FrameworkTabs(SphinxTransform):
    """Fold each (torch, keras) pair of adjacent cells into a synced tab-set."""

    default_priority = 500

    def apply(self, **kwargs):
        parents = {id(c.parent): c.parent for c in self.document.findall(nodes.container)
                   if _is_cell(c, "torch")}
        for parent in parents.values():
            children = list(parent.children)
            new_children, i = [], 0
            while i < len(children):
                node = children[i]
                nxt = children[i + 1] if i + 1 < len(children) else None
                if _is_cell(node, "torch") and nxt is not None and _is_cell(nxt, "keras"):
                    tab_set = create_component("tab-set", classes=["sd-tab-set", "framework-tabs"])
                    for cell, (sync_id, label) in zip((node, nxt), TABS):
                        tab_set += _tab_item(cell, sync_id, label)
                    new_children.append(tab_set)
                    i += 2
                else:
                    new_children.append(node)
                    i += 1
            parent.children = []
            parent.extend(new_children)


def setup(app):
    app.add_transform(FrameworkTabs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
