from ninja import Router

router = Router(tags=["cadres"])
