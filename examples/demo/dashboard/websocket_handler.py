"""Demo stand-in for the dashboard's WebSocket handler (syntax-checked by the demo probe)."""


class ConnectionInfo:
    def __init__(self, client_id: str) -> None:
        self.client_id = client_id


class WebSocketHandler:
    def __init__(self) -> None:
        self.connections: dict[str, ConnectionInfo] = {}

    def connect(self, client_id: str) -> ConnectionInfo:
        info = ConnectionInfo(client_id)
        self.connections[client_id] = info
        return info

    def disconnect(self, client_id: str) -> None:
        self.connections.pop(client_id, None)
