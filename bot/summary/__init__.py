"""Episode digests: chapters, ideas, verbatim quotes and topics (issue 5).

`SummaryEngine` (engine.py) is the entry point; the other modules each do one job:
text.py (words and sentence features), keyphrases.py (topic phrases), chapters.py (creator chapters and
topic segmentation), analysis.py (one episode prepared once), extractive.py (the keyless digest),
quotes.py (quotable sentences and the verbatim repair of proposed quotes), llm_summary.py + prompts.py
(map over chapters, then reduce), cache.py (per-generation disk cache), render.py (JSON and Markdown).
"""
