// mailauth ships no types; the part the tests use to check DKIM signatures.
declare module "mailauth/lib/dkim/verify.js" {
  export function dkimVerify(
    message: Buffer | string,
    options: { resolver: (name: string, type: string) => Promise<string[][]> },
  ): Promise<{ results: Array<{ signingDomain: string; selector: string; status: { result: string; comment?: string } }> }>;
}
