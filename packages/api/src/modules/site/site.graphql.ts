export const siteTypeDefs = /* GraphQL */ `
  type Site {
    title: String!
    description: String!
    "Absolute base URL of the site (PUBLIC_URL)."
    url: String!
  }

  type Query {
    site: Site!
  }
`;
