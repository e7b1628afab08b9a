"""gunicorn settings of ``renkei serve``: each worker loads its indexes before it takes requests."""


def post_worker_init(worker) -> None:
    from renkei.web.warmup import warm

    warm()
