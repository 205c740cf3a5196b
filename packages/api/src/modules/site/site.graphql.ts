export const siteTypeDefs = /* GraphQL */ `
  type Site {
    title: String!
    description: String!
    "Absolute base URL of the site (PUBLIC_URL)."
    url: String!
    """
    Why updateSite cannot change \`url\` (PUBLIC_URL is set in the server's
    environment, which wins); null when it can. For viewers who may manage
    settings (an ADMIN); null for everyone else, who may not change it anyway.
    """
    urlReadOnlyReason: String
  }

  type Query {
    site: Site!
  }

  type UpdateSitePayload {
    site: Site
    "Empty on success; otherwise nothing was changed."
    errors: [UserError!]!
  }

  extend type Mutation {
    """
    Site settings (ADMIN). Arguments left out or null keep their value.
    \`publicUrl\` is refused (SET_BY_ENVIRONMENT) while PUBLIC_URL is set in
    the server's environment, which always wins; otherwise it takes effect at
    once in this process and at the next start of any other.
    """
    updateSite(title: String, description: String, publicUrl: String): UpdateSitePayload!
  }
`;
