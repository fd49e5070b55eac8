import Hummingbird

/// `GET /v1/openapi.yaml`: the API's own description.
struct DocumentRoutes: APIRouteGroup {
    static let mount = "/v1"

    func register(on routes: AccessControlledRoutes) {
        routes.on(.get, "openapi.yaml") { _, _ in OpenAPIDocument.response() }
    }
}
