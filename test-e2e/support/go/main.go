// The AWS SDK for Go v2 (Debian's golang-github-aws-aws-sdk-go-v2-dev) against the running stack,
// driven by go-sdk.e2e.test.ts. Prints one JSON object with what each step observed.
package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func must(err error, step string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", step, err)
		os.Exit(1)
	}
}

func main() {
	endpoint, key, secret, bucket := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	client := s3.New(s3.Options{
		Region:           "auto",
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		EndpointResolver: s3.EndpointResolverFromURL(endpoint),
		UsePathStyle:     true,
	})
	ctx := context.Background()
	out := map[string]interface{}{}

	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	must(err, "create bucket")

	body := make([]byte, 200000)
	rand.Read(body)
	sum := md5.Sum(body)
	put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/go.bin"), Body: bytes.NewReader(body), ContentType: aws.String("application/x-go"), Metadata: map[string]string{"lang": "go"}})
	must(err, "put")
	out["putEtag"] = aws.ToString(put.ETag)
	out["md5"] = hex.EncodeToString(sum[:])

	got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/go.bin")})
	must(err, "get")
	data, _ := io.ReadAll(got.Body)
	out["getEqual"] = bytes.Equal(data, body)
	out["getMeta"] = got.Metadata
	out["getType"] = aws.ToString(got.ContentType)

	rng, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/go.bin"), Range: aws.String("bytes=100-199")})
	must(err, "range")
	part, _ := io.ReadAll(rng.Body)
	out["rangeEqual"] = bytes.Equal(part, body[100:200])

	big := make([]byte, 12*1024*1024)
	rand.Read(big)
	uploader := manager.NewUploader(client, func(u *manager.Uploader) { u.PartSize = 5 * 1024 * 1024; u.Concurrency = 3 })
	_, err = uploader.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("big.bin"), Body: bytes.NewReader(big)})
	must(err, "upload")
	bigGot, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("big.bin")})
	must(err, "get big")
	bigData, _ := io.ReadAll(bigGot.Body)
	out["multipartEqual"] = bytes.Equal(bigData, big)
	out["multipartEtag"] = aws.ToString(bigGot.ETag)

	var listed []string
	pager := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: 1})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		must(err, "list")
		for _, o := range page.Contents {
			listed = append(listed, aws.ToString(o.Key))
		}
	}
	out["listed"] = listed

	_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("missing")})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		out["missing"] = apiErr.ErrorCode()
	}

	del, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("dir/go.bin")}, {Key: aws.String("big.bin")}}}})
	must(err, "delete objects")
	var deleted []string
	for _, d := range del.Deleted {
		deleted = append(deleted, aws.ToString(d.Key))
	}
	out["deleted"] = deleted
	_, err = client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	must(err, "delete bucket")

	enc, _ := json.Marshal(out)
	fmt.Println(string(enc))
}
