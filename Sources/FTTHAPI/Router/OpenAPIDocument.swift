import Hummingbird

/// The OpenAPI 3.1 document of the API, served at `GET /v1/openapi.yaml`. Each operation lists
/// its roles under `x-roles`; the tests check they match ``APIServer/routes``.
public enum OpenAPIDocument {
    /// The document as YAML.
    public static let yaml = """
        openapi: 3.1.0
        info:
          title: ftth-acceptd API
          version: 1.0.0
          description: >-
            FTTH acceptance testing. Every route needs `Authorization: Bearer <secret>` of a token
            created with `ftthctl token create`; each route names the roles it is open to
            (x-roles). A missing or wrong token is 401, a wrong role 403.
        security:
          - bearer: []
        paths:
          /v1/openapi.yaml:
            get:
              operationId: openapi
              summary: "This document. Roles: crew, admin, integration."
              x-roles: [crew, admin, integration]
              responses:
                '200':
                  description: OK
                  content:
                    application/yaml:
                      schema:
                        type: string
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
          /v1/projects:
            get:
              operationId: listProjects
              summary: "Projects with their state and test counts. Roles: crew, admin, integration."
              x-roles: [crew, admin, integration]
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ProjectList'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
            post:
              operationId: createProject
              summary: "Create one project with its last-level splitters, checked by the rules of the CSV import; with any problem nothing is created and each problem names its JSON field. Roles: integration, admin."
              x-roles: [integration, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      $ref: '#/components/schemas/NewProject'
              responses:
                '201':
                  description: Created; Location names the project.
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Project'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '409':
                  description: The project, or an OLT or PON port it names, conflicts with what is stored.
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Error'
                '422':
                  $ref: '#/components/responses/E422'
          /v1/projects/import:
            post:
              operationId: importProjects
              summary: "Import a project export (CSV, columns of docs/import.md); a file with any problem imports nothing. Roles: integration, admin."
              x-roles: [integration, admin]
              requestBody:
                required: true
                content:
                  text/csv:
                    schema:
                      type: string
              responses:
                '201':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ImportSummary'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '422':
                  $ref: '#/components/responses/E422'
          /v1/projects/{code}:
            parameters:
              - name: code
                in: path
                required: true
                description: Project code.
                schema:
                  type: string
            get:
              operationId: getProject
              summary: "One project with its counts. Roles: crew, admin, integration."
              x-roles: [crew, admin, integration]
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Project'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
            patch:
              operationId: updateProject
              summary: "Rename a project, or (before its first test) change whether it needs the acceptance test. The change is in the project's history with who made it. Roles: integration, admin."
              x-roles: [integration, admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      additionalProperties: false
                      properties:
                        name: {type: string, minLength: 1}
                        acceptance_required: {type: boolean}
              responses:
                '200':
                  description: The project as it is now
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Project'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
                '409':
                  description: "The project's test has begun; the message says what can still change"
                  content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
                '422':
                  description: "A value is not acceptable; error.field names it"
                  content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
            delete:
              operationId: deleteProject
              summary: "Withdraw a project entered by mistake: it stays listed as withdrawn with its history (which is append-only) and its ports can no longer be tested; refused once anything was tested on it. Roles: integration, admin."
              x-roles: [integration, admin]
              responses:
                '204':
                  description: Withdrawn
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
                '409':
                  description: "Something was tested on the project; it is kept for its history"
                  content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
          /v1/projects/{code}/activation-list:
            parameters:
              - name: code
                in: path
                required: true
                description: Project code.
                schema:
                  type: string
            get:
              operationId: activationList
              summary: "The activation list (DESIGN §2): OLT IP, PON port, splitter and port, test ONU name, SVLAN, CVLAN, ONU serial and password, activation and test status, verdicts. Roles: crew, admin, integration."
              x-roles: [crew, admin, integration]
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ActivationList'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
          /v1/projects/{code}/ports/{splitter}/{port}/results:
            parameters:
              - name: code
                in: path
                required: true
                description: Project code.
                schema:
                  type: string
              - name: splitter
                in: path
                required: true
                description: Splitter name.
                schema:
                  type: string
              - name: port
                in: path
                required: true
                description: Splitter port number, from 1.
                schema:
                  type: integer
            get:
              operationId: portResults
              summary: "Line results of a port (oldest first) and its history. Roles: crew, admin, integration."
              x-roles: [crew, admin, integration]
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/PortResults'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
          /v1/projects/{code}/report.csv:
            parameters:
              - name: code
                in: path
                required: true
                description: Project code.
                schema:
                  type: string
            get:
              operationId: report
              summary: "Acceptance report: per port the four powers, both attenuations, line/service/overall verdict and reasons. Roles: crew, admin, integration."
              x-roles: [crew, admin, integration]
              responses:
                '200':
                  description: OK
                  content:
                    text/csv:
                      schema:
                        type: string
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
          /v1/projects/{code}/approve:
            parameters:
              - name: code
                in: path
                required: true
                description: Project code.
                schema:
                  type: string
            post:
              operationId: approve
              summary: "Approve a project awaiting review. Roles: admin."
              x-roles: [admin]
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ProjectState'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
                '409':
                  $ref: '#/components/responses/E409'
          /v1/projects/{code}/send-back:
            parameters:
              - name: code
                in: path
                required: true
                description: Project code.
                schema:
                  type: string
            post:
              operationId: sendBack
              summary: "Send a project back for rework, with a reason. Roles: admin."
              x-roles: [admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      $ref: '#/components/schemas/SendBack'
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ProjectState'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
                '409':
                  $ref: '#/components/responses/E409'
                '422':
                  $ref: '#/components/responses/E422'
          /v1/thresholds:
            get:
              operationId: listThresholds
              summary: "Threshold profiles in force (configuration overlaid with stored changes). Roles: crew, admin."
              x-roles: [crew, admin]
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ThresholdProfiles'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
          /v1/thresholds/{name}:
            parameters:
              - name: name
                in: path
                required: true
                description: Threshold profile name.
                schema:
                  type: string
            put:
              operationId: updateThreshold
              summary: "Change limits of a profile; every change is audited (who, when, old → new). Roles: admin."
              x-roles: [admin]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      $ref: '#/components/schemas/ThresholdSettings'
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ThresholdUpdate'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
                '422':
                  $ref: '#/components/responses/E422'
          /v1/thresholds/{name}/history:
            parameters:
              - name: name
                in: path
                required: true
                description: Threshold profile name.
                schema:
                  type: string
            get:
              operationId: thresholdHistory
              summary: "Audited changes of a profile, oldest first. Roles: admin."
              x-roles: [admin]
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/ThresholdHistory'
                '400':
                  $ref: '#/components/responses/E400'
                '401':
                  $ref: '#/components/responses/E401'
                '403':
                  $ref: '#/components/responses/E403'
                '404':
                  $ref: '#/components/responses/E404'
          /v1/projects/{code}/ports/{splitter}/{port}/tests:
            parameters:
              - {name: code, in: path, required: true, schema: {type: string}, description: Project code.}
              - {name: splitter, in: path, required: true, schema: {type: string}, description: Splitter name.}
              - {name: port, in: path, required: true, schema: {type: integer, minimum: 1}, description: Splitter port.}
            post:
              operationId: startTest
              summary: "Start a line test of a splitter port: CVLAN reserved, test ONU provisioned, optics read and judged. Roles: crew, admin."
              x-roles: [crew, admin]
              requestBody:
                required: false
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        serial: {type: string, description: "The test ONT's serial, HWTC1A2B3C4D or 16 hex digits; default the port's stored one."}
                        profile: {type: string, description: "Threshold profile; default build."}
              responses:
                '202': {description: Started, content: {application/json: {schema: {$ref: '#/components/schemas/TestRun'}}}}
                '400': {$ref: '#/components/responses/E400'}
                '401': {$ref: '#/components/responses/E401'}
                '403': {$ref: '#/components/responses/E403'}
                '404': {$ref: '#/components/responses/E404'}
                '409': {description: "The port is already under test, or no CVLAN is free", content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
                '422': {description: "A value (serial, profile, port) is not acceptable; error.field names it", content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
          /v1/tests/{id}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: integer}, description: Test id.}
            get:
              operationId: getTest
              summary: "A test and the step it is in. Roles: crew, admin."
              x-roles: [crew, admin]
              responses:
                '200': {description: OK, content: {application/json: {schema: {$ref: '#/components/schemas/TestRun'}}}}
                '401': {$ref: '#/components/responses/E401'}
                '403': {$ref: '#/components/responses/E403'}
                '404': {$ref: '#/components/responses/E404'}
            delete:
              operationId: cancelTest
              summary: "Cancel a running test after its current step; a provisioned test ONU stays. Roles: crew, admin."
              x-roles: [crew, admin]
              responses:
                '202': {description: Cancellation requested, content: {application/json: {schema: {$ref: '#/components/schemas/TestRun'}}}}
                '401': {$ref: '#/components/responses/E401'}
                '403': {$ref: '#/components/responses/E403'}
                '404': {$ref: '#/components/responses/E404'}
                '409': {description: The test has ended, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
          /v1/events:
            get:
              operationId: progressEvents
              summary: "Live progress of every test as server-sent events (event: progress, data: JSON), filtered by ?project= or ?run=; comment lines (': connected' at once, ': keep-alive' every 15 s while quiet) keep proxies from closing it. Roles: crew, admin."
              x-roles: [crew, admin]
              parameters:
                - {name: project, in: query, required: false, schema: {type: string}}
                - {name: run, in: query, required: false, schema: {type: integer}}
              responses:
                '200': {description: "text/event-stream of progress events", content: {text/event-stream: {schema: {type: string}}}}
                '401': {$ref: '#/components/responses/E401'}
                '403': {$ref: '#/components/responses/E403'}
        components:
          securitySchemes:
            bearer:
              type: http
              scheme: bearer
              description: "`ftth_` followed by 32 random bytes in base64url; only its SHA-256 is stored."
          responses:
            E400:
              description: Malformed request (not JSON, not CSV, a path parameter of the wrong type).
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/Error'
            E401:
              description: Missing or malformed Authorization header, or an unknown or revoked token (WWW-Authenticate: Bearer).
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/Error'
            E403:
              description: The token's role may not use this route; the message names the roles that may.
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/Error'
            E404:
              description: Unknown project, port or profile.
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/Error'
            E409:
              description: The workflow does not allow this transition now.
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/Error'
            E422:
              description: A value is not acceptable; `field` names it, `problems` lists each line and column of a CSV.
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/Error'
          schemas:
            TestRun:
              type: object
              properties:
                id: {type: integer}
                project: {type: string}
                splitter: {type: string}
                port: {type: integer}
                step: {type: string, enum: [provisioning, awaiting_online, reading, finished, failed, cancelled]}
                active: {type: boolean}
                profile: {type: string}
                olt_ip: {type: string}
                pon: {type: string}
                onu_name: {type: string}
                svlan: {type: integer}
                cvlan: {type: integer}
                onu_id: {type: [integer, "null"]}
                attempt: {type: integer}
                started_at: {type: string, format: date-time}
                updated_at: {type: string, format: date-time}
                outcome: {type: [string, "null"], description: "The verdict's summary, or why it failed or was cancelled."}
            Error:
              type: object
              required: [error]
              properties:
                error:
                  type: object
                  required: [code, message]
                  properties:
                    code: {type: string, examples: [auth.missing_token, auth.forbidden, request.invalid_value, workflow.illegal_transition]}
                    message: {type: string, description: A sentence a person can act on.}
                    field: {type: string, description: The JSON key, path parameter or header the error is about.}
                    problems:
                      type: array
                      items:
                        type: object
                        properties:
                          line: {type: [integer, 'null']}
                          column: {type: [string, 'null']}
                          message: {type: string}
            Project:
              type: object
              properties:
                code: {type: string}
                name: {type: string}
                state: {type: string, enum: [entered, testing, awaiting_review, rework, accepted, pushed, withdrawn]}
                acceptance_required: {type: boolean}
                splitters: {type: integer}
                ports: {type: integer}
                tested: {type: integer}
                passed: {type: integer}
                failed: {type: integer}
            NewProject:
              type: object
              required: [code, name, splitters]
              properties:
                code: {type: string, maxLength: 64}
                name: {type: string, maxLength: 128}
                acceptance_required: {type: boolean, default: true}
                splitters:
                  type: array
                  minItems: 1
                  items:
                    type: object
                    required: [olt_name, olt_ip, olt_dialect, pon, svlan, name, ratio]
                    properties:
                      olt_name: {type: string}
                      olt_ip: {type: string, description: "IPv4 or IPv6 management address"}
                      olt_dialect: {type: string, example: huawei-ma5800}
                      pon: {type: string, example: 0/1/0}
                      svlan: {type: integer, minimum: 1, maximum: 4094}
                      name: {type: string, description: "the splitter's name"}
                      ratio: {type: string, example: "1:8"}
                      ports: {type: integer, minimum: 1, description: "ports to test; default all outputs"}
            ProjectList:
              type: object
              properties:
                projects: {type: array, items: {$ref: '#/components/schemas/Project'}}
            ImportSummary:
              type: object
              properties:
                projects: {type: integer}
                olts: {type: integer}
                pon_ports: {type: integer}
                splitters: {type: integer}
                ports: {type: integer}
            ProjectState:
              type: object
              properties:
                code: {type: string}
                state: {type: string}
            SendBack:
              type: object
              required: [reason]
              properties:
                reason: {type: string, minLength: 1}
            ActivationRow:
              type: object
              properties:
                splitter: {type: string}
                splitter_port: {type: integer}
                olt_ip: {type: string}
                olt_name: {type: string}
                dialect: {type: string}
                pon_port: {type: string, examples: [0/1/0]}
                onu_name: {type: string}
                svlan: {type: integer}
                cvlan: {type: [integer, 'null']}
                onu_serial: {type: [string, 'null']}
                onu_password: {type: [string, 'null']}
                activation_status: {type: string, enum: [not_activated, activated, activation_failed, deactivated]}
                test_status: {type: string, enum: [done, not_done]}
                line_verdict: {type: [string, 'null'], enum: [pass, fail, null]}
                service_verdict: {type: [string, 'null'], enum: [pass, fail, null]}
                overall_verdict: {type: [string, 'null'], enum: [pass, fail, null]}
            ActivationList:
              type: object
              properties:
                project_code: {type: string}
                ports: {type: array, items: {$ref: '#/components/schemas/ActivationRow'}}
            LineResult:
              type: object
              properties:
                at: {type: string, format: date-time}
                profile: {type: string}
                verdict: {type: string, enum: [pass, fail]}
                reasons: {type: array, items: {type: string}}
                olt_tx_dbm: {type: [number, 'null']}
                olt_rx_dbm: {type: [number, 'null']}
                onu_tx_dbm: {type: [number, 'null']}
                onu_rx_dbm: {type: [number, 'null']}
                downstream_attenuation_db: {type: [number, 'null']}
                upstream_attenuation_db: {type: [number, 'null']}
            PortResults:
              type: object
              properties:
                port: {$ref: '#/components/schemas/ActivationRow'}
                results: {type: array, items: {$ref: '#/components/schemas/LineResult'}}
                history:
                  type: array
                  items:
                    type: object
                    properties:
                      at: {type: string, format: date-time}
                      event: {type: string}
                      detail: {type: string}
                      actor: {type: [string, 'null']}
            ThresholdProfile:
              type: object
              properties:
                name: {type: string}
                min_onu_rx_dbm: {type: [number, 'null']}
                max_onu_rx_dbm: {type: [number, 'null']}
                min_olt_rx_dbm: {type: [number, 'null']}
                max_downstream_attenuation_db: {type: [number, 'null']}
                max_upstream_attenuation_db: {type: [number, 'null']}
            ThresholdProfiles:
              type: object
              properties:
                profiles: {type: array, items: {$ref: '#/components/schemas/ThresholdProfile'}}
            ThresholdSettings:
              type: object
              description: Any of the keys; a number sets the limit, null switches the check off.
              minProperties: 1
              additionalProperties: false
              properties:
                min_onu_rx_dbm: {type: [number, 'null']}
                max_onu_rx_dbm: {type: [number, 'null']}
                min_olt_rx_dbm: {type: [number, 'null']}
                max_downstream_attenuation_db: {type: [number, 'null']}
                max_upstream_attenuation_db: {type: [number, 'null']}
            ThresholdChange:
              type: object
              properties:
                at: {type: string, format: date-time}
                actor: {type: string}
                profile: {type: string}
                key: {type: string}
                old_value: {type: [number, 'null']}
                new_value: {type: [number, 'null']}
            ThresholdUpdate:
              type: object
              properties:
                profile: {$ref: '#/components/schemas/ThresholdProfile'}
                changes: {type: array, items: {$ref: '#/components/schemas/ThresholdChange'}}
            ThresholdHistory:
              type: object
              properties:
                profile: {type: string}
                changes: {type: array, items: {$ref: '#/components/schemas/ThresholdChange'}}
        """

    static func response() -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: yaml)))
    }
}
