/// The discovery documents kubectl reads before it acts on Deployments.
enum Discovery {
    static func document(for path: String) -> [String: Any]? {
        switch path {
        case "/version":
            return ["major": "1", "minor": "32", "gitVersion": "v1.32.0-trimtab-test", "platform": "linux/amd64"]
        case "/api":
            return ["kind": "APIVersions", "versions": ["v1"],
                    "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]]]
        case "/api/v1":
            return ["kind": "APIResourceList", "groupVersion": "v1", "resources": [[String: Any]]()]
        case "/apis":
            return ["kind": "APIGroupList", "apiVersion": "v1", "groups": [
                group("apps"), group("autoscaling"),
            ]]
        case "/apis/apps/v1":
            return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1", "resources": [
                ["name": "deployments", "singularName": "deployment", "namespaced": true, "kind": "Deployment",
                 "verbs": ["create", "get", "list", "patch", "update"], "shortNames": ["deploy"], "categories": ["all"]],
                ["name": "deployments/scale", "singularName": "", "namespaced": true, "group": "autoscaling",
                 "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]],
            ]]
        case "/apis/autoscaling/v1":
            return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "autoscaling/v1", "resources": [[String: Any]]()]
        default:
            return nil
        }
    }

    private static func group(_ name: String) -> [String: Any] {
        let version: [String: Any] = ["groupVersion": "\(name)/v1", "version": "v1"]
        return ["name": name, "versions": [version], "preferredVersion": version]
    }
}
