/** The dashboard is a client of the custom server's API; Next never opens the database itself. */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // The custom server (server/main.ts) owns every non-page route; these packages stay out of the page bundles.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres'],
};
export default nextConfig;
