"""sphinx-gallery image scraper for examples that draw one figure across several sections.

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
