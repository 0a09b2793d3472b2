"""The nn functions torch also has at its top level (``torch.dropout``,
``torch.layer_norm``, ``torch.max_pool1d``...), with their ATen signatures, which are not
always ``nn.functional``'s."""
