"""The machinery of the book, apart from the course's content.

* :mod:`lossbook.book.sphinxext`: the Sphinx extension ``_config.yml`` loads
  (offline MathJax, the course's stylesheet and scripts, logo and favicon,
  links that read cleanly in JupyterLab resolved in the book, theme fixes);
* :mod:`lossbook.book.nbtools`: notebooks committed clean (``pin``,
  ``strip``, ``check``) and book-only markup turned into plain Markdown
  (``fix-markup``);
* ``web/``: the stylesheet, scripts and images the extension copies into the
  built site.
"""
