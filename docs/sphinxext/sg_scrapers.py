"""sphinx-gallery helpers: a scraper that waits for finished figures, and the gallery order.

The examples in ``examples/`` build one composite figure (``plt.subplots(2, 3)``) and fill its
panels section by section. sphinx-gallery's matplotlib scraper saves and closes every open figure
after each code block, which shows the figure half drawn and loses the panels drawn later. This
scraper waits for the last code block of the example, then hands over to the matplotlib scraper,
so each example page shows its finished figure(s) once, after the code.
"""

from sphinx_gallery.py_source_parser import split_code_and_text_blocks
from sphinx_gallery.scrapers import matplotlib_scraper


def _last_code_line(src_file):
    _, blocks = split_code_and_text_blocks(src_file)
    return max(block.lineno for block in blocks if block.type == "code")


def finished_figures_scraper(block, block_vars, gallery_conf, **kwargs):
    """Scrape matplotlib figures only after the example's last code block."""
    if block.lineno != _last_code_line(block_vars["src_file"]):
        return ""
    return matplotlib_scraper(block, block_vars, gallery_conf, **kwargs)


class CapabilityOrder:
    """Order the gallery as the user guide: GLMs, coding, Bayes, SLIM, OT, sketching.

    ``within_subsection_order`` key: examples are ranked by the first capability keyword in their
    file name, then alphabetically; a file matching none goes last.
    """

    KEYWORDS = ("glm", "coding", "dictionary", "sbl", "slim", "ot_", "sketch")  # after "plot_"

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = filename.removeprefix("plot_")
        for rank, keyword in enumerate(self.KEYWORDS):
            if keyword in name:
                return f"{rank:02d}{filename}"
        return f"{len(self.KEYWORDS):02d}{filename}"
