"""Scenarios sampled from ban hazards: the Hazards sheet, the sampler, the case copy, the tree."""
