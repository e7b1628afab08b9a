"""Events the programme services emit after a committed write (``renkei.core.hooks``)."""

#: a call moved to "decided"; payload: ``call_id``
CALL_DECIDED = "programmes.call_decided"
