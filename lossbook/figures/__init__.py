"""Drawing code of the chapters' figures and explorers, one module per chapter
(``lossbook.figures.NN_name`` for ``chapters/NN_name.ipynb``)."""
