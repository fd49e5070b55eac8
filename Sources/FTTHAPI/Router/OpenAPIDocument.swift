import Hummingbird

/// The OpenAPI 3.1 document of the API, served at `GET /v1/openapi.yaml`: the resource
/// `Resources/openapi.yaml`, compiled into the module so that the daemon stays one file to install.
/// Each operation states its roles under `x-roles` and at the end of its summary; the tests check
/// both against the access table, ``APIServer/routes`` and ``APIServer/engineRoutes``.
public enum OpenAPIDocument {
    /// The document as YAML.
    public static let yaml = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)

    static func response() -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: yaml)))
    }
}
