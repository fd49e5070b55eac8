import FTTHConfig
import FTTHCore
import FTTHWire
import Foundation
import Hummingbird

/// Threshold profiles in force, their audited changes, and changing them.
struct ThresholdRoutes: APIRouteGroup {
    static let mount = "/v1/thresholds"

    let store: any APIStore
    let configuration: AcceptdConfiguration
    let now: @Sendable () -> Date

    func register(on routes: AccessControlledRoutes) {
        routes.on(.get, "", use: profiles)
        routes.on(.put, "{name}", use: update)
        routes.on(.get, "{name}/history", use: history)
    }

    @Sendable func profiles(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let profiles = try await store.thresholdProfiles(configured: configuration.profiles)
        return try APIServer.json(ThresholdProfilesResponse(profiles: profiles.map(ThresholdProfileResponse.init)))
    }

    /// ``ThresholdUpdateRequest``: the profile after the change must still make sense
    /// (``ThresholdProfile/validationProblems()``), else 422 naming the limit.
    @Sendable func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let name = try context.pathParameter("name")
        let body = try await RequestBody.decode(
            ThresholdUpdateRequest.self, from: request, context: context, example: #"{"min_onu_rx_dbm": -21.5}"#)
        guard !body.limits.isEmpty || !body.binding.isEmpty else {
            let keys = ThresholdKey.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalid("body", "name at least one limit (\(keys)) or binding")
        }
        for (key, limit) in body.limits.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if case .value(let d) = limit, let problem = key.limitProblem(d) {
                throw APIError.invalid(key.rawValue, problem.message)
            }
        }
        let settings = body.settings
        let current = try await store.thresholdProfiles(configured: configuration.profiles)
        guard let profile = current.first(where: { $0.name == name }) else {
            throw APIError(
                .notFound, code: "store.not_found",
                message:
                    "no threshold profile '\(name)'; profiles: \(current.map(\.name).joined(separator: ", "))",
                field: "name")
        }
        do {
            _ = try profile.applying(settings)
        } catch {
            throw APIError(error)
        }
        let (updated, changes) = try await store.updateThresholdProfile(
            name, settings: settings, configured: configuration.profiles, actor: context.authenticated.name, at: now())
        return try APIServer.json(
            ThresholdUpdateResponse(
                profile: ThresholdProfileResponse(updated), changes: changes.map(ThresholdChangeResponse.init)))
    }

    @Sendable func history(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let name = try context.pathParameter("name")
        let current = try await store.thresholdProfiles(configured: configuration.profiles)
        guard current.contains(where: { $0.name == name }) else {
            throw StoreError.notFound("threshold profile \(name)")
        }
        let changes = try await store.thresholdHistory(profile: name)
        return try APIServer.json(
            ThresholdHistoryResponse(profile: name, changes: changes.map(ThresholdChangeResponse.init)))
    }
}
