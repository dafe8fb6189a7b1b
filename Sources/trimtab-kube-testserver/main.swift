import Foundation
import TrimtabTestSupport

// trimtab-kube-testserver [--port N] [--token T] [NAMESPACE/NAME=REPLICAS ...]
// Serves the in-repo Kubernetes test API (Deployments and their scale subresource) on loopback.
var port = 8001
var token: String?
var deployments: [(String, String, Int)] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--port":
        guard let value = arguments.popFirst().flatMap({ Int($0) }) else {
            FileHandle.standardError.write(Data("trimtab-kube-testserver: --port needs a number\n".utf8))
            exit(2)
        }
        port = value
    case "--token":
        token = arguments.popFirst()
    default:
        let parts = argument.split(separator: "=")
        let names = parts.first?.split(separator: "/") ?? []
        guard parts.count == 2, names.count == 2, let replicas = Int(parts[1]) else {
            FileHandle.standardError.write(Data("trimtab-kube-testserver: '\(argument)' is not NAMESPACE/NAME=REPLICAS\n".utf8))
            exit(2)
        }
        deployments.append((String(names[0]), String(names[1]), replicas))
    }
}
let store = KubeAPIStore(token: token)
for (ns, name, replicas) in deployments { await store.addDeployment(namespace: ns, name: name, replicas: replicas) }
try await KubeTestServer.run(store: store, port: port) { bound in
    FileHandle.standardOutput.write(Data("trimtab-kube-testserver: listening on http://127.0.0.1:\(bound)\n".utf8))
}
