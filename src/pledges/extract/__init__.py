"""Draft pledges and outcomes from a source text, by transparent rules.

Chinese plans and work reports state targets in a small, regular language (力争, 确保,
不少于, 以上, 左右, 控制在…以内, 新增, 年均增长, tables of indicators with 约束性 and
预期性 columns). `extract_pledges` reads a text in simplified or traditional characters
and returns candidate ledger entries, each with the rule that produced it;
`extract_outcomes` returns the past figures a document reports, matched to pledges.
"""
