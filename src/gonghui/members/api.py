from ninja import Router

router = Router()
cards_router = Router()
