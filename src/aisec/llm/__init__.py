"""GenAI security: red-teaming of LLM applications and the test applications it is
learned and tested against (:mod:`aisec.llm.simulator`)."""
