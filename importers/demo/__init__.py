"""The demo region Zeeland: real CBS 2015 boundaries (``data/cbs``) with generated, fictional
organisations and services (``generator``). Part of the source tree, not of the installed package."""
