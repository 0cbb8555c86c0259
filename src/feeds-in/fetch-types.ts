// What the fetch step takes and gives, shared by fetch.ts (http, https) and fetch-file.ts (file:).

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** file: URLs are read only inside this folder (PARTNERS_DIR). */
  fileRoot: string;
  /**
   * Our public origin (BASE_URL). A feed delivered as a file has no web address of its own, so its
   * relative links (the demo partner's images under static/) resolve against this one.
   */
  publicBase?: () => string;
}

export interface FetchRequest {
  url: string;
  etag: string | null;
  lastModified: string | null;
  allowPrivateNetwork: boolean;
}

export type FetchResult =
  | { status: "not_modified"; maxAgeSeconds: number | undefined }
  | {
      status: "ok";
      text: string;
      /** The response's Content-Type (null for files): tells a JSON Feed from XML when the body does not. */
      contentType: string | null;
      finalUrl: string;
      /** What relative links resolve against, when not finalUrl (a feed delivered as a file). */
      linkBase?: string | undefined;
      etag: string | null;
      lastModified: string | null;
      /** The response's Link header (WebSub discovery: rel="hub" and rel="self"); absent for files. */
      link?: string | null;
      maxAgeSeconds: number | undefined;
      bytes: number;
    };
