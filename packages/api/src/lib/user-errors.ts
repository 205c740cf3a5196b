/** Input a person can fix; the GraphQL type of the same name. `field` is null for the whole form. */
export interface UserError {
  field: string | null;
  code: string;
  message: string;
}
