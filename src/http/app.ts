// createApp(deps): the express application, with no listening socket.
import express from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import type { AppDeps } from "#src/http/deps.js";
import { registerRoutes } from "#src/http/routes.js";
import { errorHandler, notFound } from "#src/http/errors.js";
import { PUBLIC_DIR } from "#src/paths.js";
import { countRequests } from "#src/http/metrics.js";
import { headerRedaction, requestForLog, responseForLog } from "#src/logger.js";

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  if (deps.metrics) app.use(countRequests(deps.metrics.http));
  // Request logs carry no credential header and no secret query value, whichever logger main passes.
  app.use(
    pinoHttp({
      logger: deps.logger,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
      redact: headerRedaction,
      serializers: { req: requestForLog, res: responseForLog },
    }),
  );
  // upgrade-insecure-requests would send the page forms to https:// on a plain-http deployment.
  const https = deps.config.baseUrl.startsWith("https:");
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } } }));
  // Bodies are parsed by the routes that take one, after their auth (http/bodies.ts).
  // Lead images are embedded in emails, partner sites and feed readers: other origins may load them.
  app.use(
    "/static",
    express.static(PUBLIC_DIR, { maxAge: "1d", index: false, setHeaders: (res) => res.setHeader("Cross-Origin-Resource-Policy", "cross-origin") }),
  );
  registerRoutes(app, deps);
  app.use(notFound);
  app.use(errorHandler(deps.pages));
  return app;
}
