import Foundation
import Testing
@testable import TrimtabAdapters

@Suite struct SigV4SignerTests {
    let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    @Test func awsTestSuiteGetVanilla() {
        // AWS's SigV4 test suite, case get-vanilla: the published signature.
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let signed = signer.sign(HTTPRequestData(method: "GET", url: "https://example.amazonaws.com/"), date: date)
        #expect(signed.header("X-Amz-Date") == "20150830T123600Z")
        #expect(signed.header("Authorization") == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func lambdaUpdateMatchesBotocore() {
        // Golden value from botocore's SigV4Auth for the same request, date and keys.
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "lambda")
        let request = HTTPRequestData(method: "PUT", url: "http://127.0.0.1:5000/2015-03-31/functions/resize/configuration",
                                      headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                                      body: Data(#"{"MemorySize":1024}"#.utf8))
        let signed = signer.sign(request, date: date)
        #expect(signed.header("Authorization") == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/lambda/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=ab2bd46719953d3ed4fba4ea9ba89357daec8abd727541adcab10f28a31ed7dd")
        #expect(signed.header("Host") == "127.0.0.1:5000")
    }

    @Test func sessionTokenIsSentAndSigned() {
        var withToken = credentials
        withToken.sessionToken = "TOKEN"
        let signed = SigV4Signer(credentials: withToken, region: "us-east-1", service: "lambda")
            .sign(HTTPRequestData(method: "GET", url: "https://lambda.us-east-1.amazonaws.com/"), date: date)
        #expect(signed.header("X-Amz-Security-Token") == "TOKEN")
        #expect(signed.header("Authorization")?.contains("SignedHeaders=host;x-amz-date;x-amz-security-token") == true)
    }

    @Test func credentialsFromEnvironment() {
        #expect(AWSCredentials.fromEnvironment([:]) == nil)
        #expect(AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
                == AWSCredentials(accessKeyID: "a", secretAccessKey: "b"))
    }
}
