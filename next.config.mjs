/** @type {import('next').NextConfig} */
const nextConfig = {
  // The web tier is stateless and self-hosted: `next start` behind the operator's proxy.
  poweredByHeader: false,
  typedRoutes: false,
  // `npm test` runs tsc over the whole repository before it builds; it says so with this variable
  // so the build does not type-check the same files a second time (20 s of a 2-core run).
  typescript: { ignoreBuildErrors: process.env.CELLBLOCK_TYPES_CHECKED === "1" },
  // pdfkit reads its font metrics from its own package directory at run time.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@node-rs/argon2", "nodemailer", "prom-client", "pdfkit"],
  experimental: {
    // forbidden() renders app/forbidden.tsx with a 403 for a signed-in user in the wrong console.
    authInterrupts: true,
    serverActions: {
      // Above Next's 1 MB default so an oversized form field reaches our validation and gets
      // a readable message instead of a transport error. zod caps each field far lower.
      bodySizeLimit: "4mb",
    },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
