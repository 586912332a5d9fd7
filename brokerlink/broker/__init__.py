"""The broker facades (sync :class:`Broker`, async :class:`AsyncBroker`) and ``connect``."""
